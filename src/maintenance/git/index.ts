// The git feature: `git-maintenance` (gc and prune of the root's own repository). What the CLI uses.
export { runGitMaintenance, type GitMaintenanceResult } from './gitMaintenance.js';
export { formatGitMaintenance } from './format.js';
