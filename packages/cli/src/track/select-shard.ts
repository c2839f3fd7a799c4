// Which commits of a range are this run's when it is shard K of N: a contiguous run of the range in
// git's own order, cut where the estimated work is split evenly, identically on every machine.

import { estimateWork, samplePositions, shardOf, workSamples, type Shard } from '@coherence/core';
import { countChangedFiles } from '../git/changed-files.js';
import type { GitRepository } from '../git/repository.js';

/**
 * `hashes` is the whole range as `git rev-list` lists it: the same list, in the same order, wherever the
 * same range is read, since git orders it by the commits alone (their dates and parents), not by refs
 * or packs. The work estimate samples commits at fixed positions of that list, so it is the same too.
 */
export async function selectShard(repo: GitRepository, hashes: readonly string[], shard: Shard, options: { includeMerges: boolean }): Promise<string[]> {
  if (shard.count === 1) return [...hashes];
  const sampled = samplePositions(hashes.length, workSamples(hashes.length, shard.count)).map((position) => hashes[position]!);
  const files = await countChangedFiles(repo, sampled, options);
  return shardOf(hashes, estimateWork(hashes.length, files), shard);
}
