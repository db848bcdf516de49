// The expiry feature: files registered to expire (.cleanup_registry.json), moved to the
// cleanup quarantine when their time comes. What the CLI uses.
export { addExpiry, expiryFailed, listExpiries, removeExpiry, runExpiry, type ExpireOptions, type ExpireRunResult, type ExpiryJson } from './expireFiles.js';
export { expiryFrom } from './expiryFrom.js';
export { formatExpireRun, formatExpiries } from './format.js';
