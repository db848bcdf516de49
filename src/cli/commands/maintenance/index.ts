// The maintenance tasks' commands (inventory, cleanup, expire, health checks, git, report).
import type { CommandModule } from 'yargs';
import { cleanupCommand } from './cleanup.js';
import { expireCommand } from './expire.js';
import { inventoryCommand } from './inventory.js';
import { automationHealthCommand } from './automationHealth.js';
import { gitMaintenanceCommand } from './gitMaintenance.js';
import { healthCheckCommand } from './healthCheck.js';
import { reportCommand } from './report.js';

export const maintenanceCommands: CommandModule<any, any>[] = [
  inventoryCommand,
  cleanupCommand,
  expireCommand,
  healthCheckCommand,
  automationHealthCommand,
  gitMaintenanceCommand,
  reportCommand,
];
