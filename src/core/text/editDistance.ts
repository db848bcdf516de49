// Levenshtein distance (insertions, deletions, substitutions), and the "did you mean" hints it gives.

/** How many one-character edits turn a into b. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * Up to three names a typo of `name` may have meant, closest first: a few edits away (case
 * aside), or one containing it (a prefix of three characters or more).
 */
export function closeNames(name: string, names: readonly string[]): string[] {
  const typed = name.toLowerCase();
  const within = Math.max(2, Math.floor(typed.length / 3));
  return names
    .map((candidate) => {
      const lower = candidate.toLowerCase();
      const distance = editDistance(typed, lower);
      const contains = typed.length >= 3 && lower.includes(typed);
      return { candidate, rank: distance <= within && distance < typed.length ? distance : contains ? within + 1 : Infinity };
    })
    .filter((c) => c.rank !== Infinity)
    .sort((a, b) => a.rank - b.rank)
    .slice(0, 3)
    .map((c) => c.candidate);
}
