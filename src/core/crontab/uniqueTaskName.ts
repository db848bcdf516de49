// A task name no other task has: the stem itself when free, else `stem_2`, `stem_3`, ...
// (the stem shortened so the name stays within the contract's 100 characters).
import { MAX_NAME_LENGTH } from '../config/semanticProblems.js';

/** The first of `stem`, `stem_2`, `stem_3`, ... not in `taken`. */
export function uniqueTaskName(stem: string, taken: ReadonlySet<string>): string {
  if (!taken.has(stem) && stem.length <= MAX_NAME_LENGTH) return stem;
  for (let n = 2; ; n++) {
    const suffix = `_${n}`;
    const name = `${stem.slice(0, MAX_NAME_LENGTH - suffix.length)}${suffix}`;
    if (!taken.has(name)) return name;
  }
}
