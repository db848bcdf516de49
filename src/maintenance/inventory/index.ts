// The inventory feature: scan a root into cleanup_inventory.json, and read it back (cleanup
// builds on it). What the CLI and the cleanup feature use.
export { scanInventory, type ScanOptions, type ScanSummary } from './scanInventory.js';
export { formatScan } from './format.js';
export { inventoryPathFrom } from './inventoryPath.js';
export { readInventory, INVENTORY_VERSION, type Inventory, type InventoryFile } from './inventoryFile.js';
export { reasonKind } from './reasons.js';
