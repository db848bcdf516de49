// `cleanup analyze`: what the next execution would consider, read from the inventory alone.
// It never touches a file (not even to stat it) and never writes anything.
import { ConductorError } from '../../core/errors.js';
import { toJsonPath, type BytePath, type JsonPath } from '../shared/bytePath.js';
import { absolute, type MaintenanceRoot } from '../shared/maintenanceRoot.js';
import { readInventory, reasonKind } from '../inventory/index.js';
import { selectCandidates, type CandidatePolicy } from './selectCandidates.js';

export interface CandidateJson extends JsonPath {
  size: number;
  mtime: string;
  kind: 'file' | 'symlink';
  git: string;
  reasons: string[];
}

export interface Analysis {
  root: string;
  inventory: string;
  generated_at: string;
  totals: { files: number; candidates: number; candidate_bytes: number };
  by_reason: Record<string, { files: number; bytes: number }>;
  excluded: { protected: number; tracked: number; recent: number };
  candidates: CandidateJson[];
}

export function analyzeCleanup(root: MaintenanceRoot, inventoryRel: BytePath, policy: CandidatePolicy, now: Date): Analysis {
  const abs = absolute(root, inventoryRel);
  const inventoryShown = toJsonPath(abs).path;
  const inventory = readInventory(abs, inventoryShown);
  assertSameRoot(inventory.root, root, inventoryShown);
  const { candidates, excluded } = selectCandidates(inventory.files, policy, now.getTime());
  const byReason: Analysis['by_reason'] = {};
  let bytes = 0;
  for (const file of candidates) {
    bytes += file.size;
    for (const reason of file.reasons) {
      const bucket = (byReason[reasonKind(reason)] ??= { files: 0, bytes: 0 });
      bucket.files += 1;
      bucket.bytes += file.size;
    }
  }
  return {
    root: root.rootText,
    inventory: inventoryShown,
    generated_at: inventory.generatedAt,
    totals: { files: inventory.files.length, candidates: candidates.length, candidate_bytes: bytes },
    by_reason: byReason,
    excluded,
    candidates: candidates.map((file) => ({
      ...toJsonPath(file.rel),
      size: file.size,
      mtime: new Date(file.mtimeMs).toISOString(),
      kind: file.kind,
      git: file.git,
      reasons: file.reasons,
    })),
  };
}

/** An inventory made for another root is refused: its paths would mean other files. */
export function assertSameRoot(inventoryRoot: string, root: MaintenanceRoot, shown: string): void {
  if (inventoryRoot !== root.rootText) {
    throw new ConductorError('INPUT_INVALID', `Inventory ${shown} was made for ${inventoryRoot}, not ${root.rootText}`, {
      problems: [{ where: '/root', message: 'run `symphony-conductor inventory` for this root' }],
    });
  }
}
