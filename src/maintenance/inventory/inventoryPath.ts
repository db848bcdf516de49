// Where the inventory is: `<root>/cleanup_inventory.json`, or the file a flag names, which must
// lie inside the root (`inventory --output`, `cleanup --inventory`).
import type { BytePath } from '../shared/bytePath.js';
import type { RootInput } from '../shared/commandInputs.js';
import { STATE, stateFile } from '../shared/maintenanceRoot.js';

/** `flag` is the option the value came from, so an error names what the user typed. */
export function inventoryPathFrom(input: RootInput, flag: string, value: string | undefined): BytePath {
  return stateFile(input.root, flag, value, STATE.inventory, input.spelled);
}
