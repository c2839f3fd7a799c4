// Cutting a commit list into contiguous chunks that parallel git processes take one at a time.

/** Chunks per job: enough that whoever finishes early picks up the slack, few enough to spawn cheaply. */
const CHUNKS_PER_JOB = 6;
const MIN_CHUNK = 256;

/**
 * Contiguous runs of history, in order. Contiguity matters: git rebuilds each blob from its delta chain,
 * and its delta-base cache only pays off when consecutive commits are read by the same process (measured
 * on a 20,000-commit history: two contiguous halves cost the CPU of one `git log`, while interleaved
 * 64-commit stripes cost 25% more). Handing out several chunks per job, first come first served, keeps
 * the processes busy to the end although diff cost varies along history.
 */
export function chunkHashes(hashes: readonly string[], jobs: number): string[][] {
  if (hashes.length === 0) return [];
  const size = Math.max(MIN_CHUNK, Math.ceil(hashes.length / (Math.max(1, jobs) * CHUNKS_PER_JOB)));
  const chunks: string[][] = [];
  for (let start = 0; start < hashes.length; start += size) chunks.push(hashes.slice(start, start + size));
  return chunks;
}
