// What every maintenance feature shares and the CLI uses directly: the root, common flags,
// protected patterns, the actions log.
export { resolveRoot, type MaintenanceRoot } from './maintenanceRoot.js';
export { maxDeletionsFrom, rootFrom, type RootInput } from './commandInputs.js';
export { protectRules } from './protectPatterns.js';
export { openActionsLog } from './actionsLog.js';
