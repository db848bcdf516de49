// The maintenance tasks' commands (inventory, cleanup, expire, health checks, git, report).
import type { CommandModule } from 'yargs';

export const maintenanceCommands: CommandModule<any, any>[] = [];
