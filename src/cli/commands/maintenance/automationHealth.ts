// `automation-health`: every task's state, written to status/automation_health_report.json.
import type { Argv, CommandModule } from 'yargs';
import { pathsFrom, printJson, printLines, type GlobalArgs } from '../../shared.js';

interface AutomationHealthArgs extends GlobalArgs {
  json?: boolean;
}

export const automationHealthCommand: CommandModule<GlobalArgs, AutomationHealthArgs> = {
  command: 'automation-health',
  describe: 'Report every task (last status, age, next fire, stale or not) to status/automation_health_report.json',
  builder: (yargs: Argv<GlobalArgs>) =>
    yargs
      .option('json', { type: 'boolean', describe: 'print the report as JSON instead of a table' })
      .example('$0 automation-health', 'a table, and the report written under status/')
      .example("$0 automation-health --json | jq '.tasks[] | select(.stale)'", 'the stale tasks'),
  handler: async (argv) => {
    const { writeAutomationHealth, formatAutomationHealth } = await import('../../../maintenance/health/index.js');
    const { report, file } = writeAutomationHealth(pathsFrom(argv), Date.now());
    if (argv.json) printJson(report);
    else printLines(formatAutomationHealth(report, file));
  },
};
