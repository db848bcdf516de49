// The report feature: `report --since` (runs, failures, durations and cleanup actions of a
// period). What the CLI uses.
export { buildReport, type Report } from './buildReport.js';
export { renderReportMarkdown } from './renderMarkdown.js';
