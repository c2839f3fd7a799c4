// Splitting a commit list between parallel git processes so they finish at about the same time.

/**
 * Deals the hashes out in stripes, round-robin: diff cost varies along history (big imports, vendored
 * code), so contiguous halves would leave one process working long after the other. Stripes keep each
 * part in history order, and are small enough that every part gets work even for short lists.
 */
export function partitionHashes(hashes: readonly string[], parts: number, maxStripe = 64): string[][] {
  const count = Math.max(1, Math.min(parts, hashes.length));
  const stripe = Math.max(1, Math.min(maxStripe, Math.floor(hashes.length / (count * 4))));
  const result: string[][] = Array.from({ length: count }, () => []);
  for (let start = 0, part = 0; start < hashes.length; start += stripe, part = (part + 1) % count) {
    const target = result[part]!;
    for (let index = start; index < Math.min(start + stripe, hashes.length); index += 1) target.push(hashes[index]!);
  }
  return result;
}
