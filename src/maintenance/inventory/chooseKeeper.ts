// Which copy of identical files stays: a tracked one, else one that is not itself a candidate,
// else the oldest, else the first in path order. The others are "duplicate of" the keeper.
import type { BytePath } from '../shared/bytePath.js';
import type { GitState } from '../shared/gitState.js';

export interface KeeperCandidate {
  rel: BytePath;
  git: GitState;
  hasReasons: boolean;
  mtimeMs: number;
  order: number;
  size: number;
}

/** The better keeper of two identical files. */
export function chooseKeeper(a: KeeperCandidate, b: KeeperCandidate): KeeperCandidate {
  const rank = (x: KeeperCandidate): [number, number, number, number] => [
    x.git === 'tracked' ? 0 : 1,
    x.hasReasons ? 1 : 0,
    x.mtimeMs,
    x.order,
  ];
  const ra = rank(a);
  const rb = rank(b);
  for (let index = 0; index < ra.length; index += 1) {
    const diff = (ra[index] as number) - (rb[index] as number);
    if (diff !== 0) return diff < 0 ? a : b;
  }
  return a;
}
