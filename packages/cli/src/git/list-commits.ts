// Listing the commits of a range, newest first (git's own order), as full hashes.

import type { CommitRange } from './range.js';
import type { GitRepository } from './repository.js';
import { runGit } from './run-git.js';

/**
 * Merge commits are left out unless includeMerges. The list of even a large history (80k) is small.
 * Newest first on purpose: packs store recent blobs whole and older ones as deltas against them, so
 * reading in git's own order keeps its delta-base cache warm.
 */
export async function listCommits(repo: GitRepository, range: CommitRange, options: { includeMerges: boolean }): Promise<string[]> {
  const args = ['rev-list', ...(options.includeMerges ? [] : ['--no-merges']), ...range.revListArgs];
  const output = await runGit(repo.git, args);
  return output.split('\n').filter((line) => line !== '');
}
