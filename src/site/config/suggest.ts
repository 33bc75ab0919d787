/** "Did you mean" suggestions for unknown keys, ids and serials. */

export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The closest candidate, compared case-insensitively, if it is close enough to be a plausible typo:
 * at most a third of the word's length (minimum 1, maximum 3) edits away, and never a complete
 * rewrite (so "E" does not suggest "A").
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  const limit = Math.min(3, Math.max(1, Math.floor(w.length / 3)));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = levenshtein(w, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= limit && bestDistance < w.length ? best : undefined;
}

/** Hint text: `did you mean "serial"?` or, with no close match, the list of what is allowed. */
export function suggestHint(word: string, candidates: readonly string[], what = "allowed keys"): string {
  const match = closest(word, candidates);
  if (match !== undefined) return `did you mean "${match}"?`;
  return candidates.length === 0 ? `there are no ${what} here` : `${what}: ${candidates.join(", ")}`;
}
