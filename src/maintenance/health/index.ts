// The health feature: `health-check` (temp files, tasks, disk) and `automation-health` (every
// task's state, written to status/automation_health_report.json). What the CLI uses.
export { runHealthCheck, type HealthCheckResult } from './healthCheck.js';
export { healthCheckLimitsFrom } from './healthCheckInputs.js';
export { formatHealthCheck } from './healthCheckFormat.js';
export { writeAutomationHealth, type AutomationHealthReport } from './automationHealth.js';
export { formatAutomationHealth } from './automationHealthFormat.js';
