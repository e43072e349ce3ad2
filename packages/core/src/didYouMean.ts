/** Levenshtein edit distance between two strings (pure). */
export function editDistance(a: string, b: string): number {
  const previous = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0];
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j];
      previous[j] = Math.min(previous[j] + 1, previous[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length];
}

/**
 * The closest candidate to `input`, or undefined when nothing is close
 * (distance above a third of the longer string, at least 2). Case-insensitive.
 * @example didYouMean('modle', ['model', 'out']) === 'model'
 */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const needle = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const hay = candidate.toLowerCase();
    const distance = hay.startsWith(needle) && needle.length >= 3 ? 1 : editDistance(needle, hay);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(2, Math.floor(Math.max(needle.length, best.length) / 3));
  return bestDistance <= limit ? best : undefined;
}

/** " (did you mean X?)" or "" — to append to an error message. */
export function didYouMeanSuffix(input: string, candidates: readonly string[]): string {
  const guess = didYouMean(input, candidates);
  return guess === undefined ? '' : ` (did you mean ${guess}?)`;
}
