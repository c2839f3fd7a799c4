// readCommits against git's own numstat figures: parallel, streamed, with backpressure and failures.

import type { GitCommit } from '@coherence/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildLongHistory,
  buildStandardRepo,
  gitNumstatTotals,
  type GitFixture,
  type NumstatTotals,
  type StandardRepo,
} from '../../../../test/support/git-fixture.js';
import { isCoherenceError } from '../errors.js';
import { readCommits, type ReadCommitsOptions } from './read-commits.js';
import { openRepository, type GitRepository } from './repository.js';

let standard: StandardRepo;
let repo: GitRepository;
let withoutMerges: string[];
let withMerges: string[];
let long: GitFixture;
let longRepo: GitRepository;
let longHashes: string[];

beforeAll(async () => {
  standard = buildStandardRepo();
  repo = await openRepository(standard.dir);
  withoutMerges = standard.fixture.git(['rev-list', '--reverse', '--no-merges', 'HEAD']).trim().split('\n');
  withMerges = standard.fixture.git(['rev-list', '--reverse', 'HEAD']).trim().split('\n');
  // Past the 2,000-commit mark where reading goes parallel by default, and far larger than a pipe buffer.
  long = buildLongHistory(2500);
  longRepo = await openRepository(long.dir);
  longHashes = long.git(['rev-list', '--reverse', 'HEAD']).trim().split('\n');
});
afterAll(() => {
  standard?.cleanup();
  long?.cleanup();
});

async function collect(
  hashes: string[],
  options: ReadCommitsOptions,
  consume?: () => Promise<void>,
  from: () => GitRepository = () => repo,
): Promise<GitCommit[]> {
  const commits: GitCommit[] = [];
  for await (const batch of readCommits(from(), hashes, options)) {
    commits.push(...batch);
    await consume?.();
  }
  return commits;
}

const sorted = (commits: GitCommit[]) => [...commits].sort((a, b) => a.hash.localeCompare(b.hash));

function totals(commits: GitCommit[]): Map<string, NumstatTotals> {
  return new Map(
    commits.map((commit) => [
      commit.hash,
      {
        files: commit.files.length,
        added: commit.files.reduce((sum, file) => sum + file.linesAdded, 0),
        deleted: commit.files.reduce((sum, file) => sum + file.linesDeleted, 0),
        binary: commit.files.filter((file) => file.binary).length,
      },
    ]),
  );
}

describe('readCommits', () => {
  it.each([1, 3])('with %i job(s) reads each commit once, with the figures git itself reports', async (jobs) => {
    const commits = await collect(withoutMerges, { includeMerges: false, jobs });
    expect(commits.map((commit) => commit.hash).sort()).toEqual([...withoutMerges].sort());
    expect(totals(commits)).toEqual(gitNumstatTotals(standard.dir, ['--no-merges', 'HEAD']));
  });

  it('gives identical commits with 1 and 3 jobs', async () => {
    const [one, three] = await Promise.all([
      collect(withoutMerges, { includeMerges: false, jobs: 1 }),
      collect(withoutMerges, { includeMerges: false, jobs: 3 }),
    ]);
    expect(sorted(three)).toEqual(sorted(one));
  });

  it('counts a renamed file once, with its real edits', async () => {
    const [rename] = await collect([standard.hashes.rename], { includeMerges: false });
    expect(rename!.files).toEqual([{ path: 'src/arithmetic.ts', previousPath: 'src/math.ts', linesAdded: 3, linesDeleted: 2, binary: false }]);
    expect(gitNumstatTotals(standard.dir, ['-1', standard.hashes.rename]).get(standard.hashes.rename)).toEqual({ files: 1, added: 3, deleted: 2, binary: 0 });
  });

  it('reads merges as their first-parent diff when included', async () => {
    const commits = await collect(withMerges, { includeMerges: true, jobs: 2 });
    expect(totals(commits)).toEqual(gitNumstatTotals(standard.dir, ['--diff-merges=first-parent', 'HEAD']));
    const merge = commits.find((commit) => commit.hash === standard.hashes.merge)!;
    expect(merge.files).toEqual([{ path: 'src/login.ts', linesAdded: 8, linesDeleted: 0, binary: false }]);
  });

  it('is not swayed by repository config that changes log output', async () => {
    const expected = sorted(await collect(withMerges, { includeMerges: true }));
    const settings = [
      ['log.showRoot', 'false'],
      ['diff.renames', 'false'],
      ['color.ui', 'always'],
      ['i18n.logOutputEncoding', 'ISO-8859-1'],
      ['core.quotePath', 'true'],
      ['diff.noprefix', 'true'],
      ['diff.external', 'false'],
    ];
    for (const [key, value] of settings) standard.fixture.git(['config', key!, value!]);
    try {
      expect(sorted(await collect(withMerges, { includeMerges: true }))).toEqual(expected);
    } finally {
      for (const [key] of settings) standard.fixture.git(['config', '--unset', key!]);
    }
  });

  it('reads each hash once even when listed twice', async () => {
    const commits = await collect([standard.hashes.initial, standard.hashes.initial], { includeMerges: false });
    expect(commits.map((commit) => commit.hash)).toEqual([standard.hashes.initial]);
  });

  it('yields nothing for no hashes', async () => {
    expect(await collect([], { includeMerges: false })).toEqual([]);
  });

  it('reads a long history in parallel by default, matching git', async () => {
    const commits = await collect(longHashes, { includeMerges: false }, undefined, () => longRepo);
    expect(commits).toHaveLength(longHashes.length);
    expect(totals(commits)).toEqual(gitNumstatTotals(long.dir, ['HEAD']));
  });

  it('shares a long history between more readers than cores, each commit exactly once', async () => {
    const commits = await collect(longHashes, { includeMerges: false, jobs: 7 }, undefined, () => longRepo);
    expect(commits.map((commit) => commit.hash).sort()).toEqual([...longHashes].sort());
    expect(totals(commits)).toEqual(gitNumstatTotals(long.dir, ['HEAD']));
  });

  it('pauses git for a slow consumer, resumes it, and still delivers everything', { timeout: 20_000 }, async () => {
    let batches = 0;
    const commits = await collect(
      longHashes,
      { includeMerges: false, jobs: 3, highWaterMark: 50 },
      async () => {
        batches += 1;
        await new Promise((resolve) => setTimeout(resolve, 1));
      },
      () => longRepo,
    );
    expect(commits.map((commit) => commit.hash).sort()).toEqual([...longHashes].sort());
    expect(batches).toBeGreaterThan(3);
  });

  it('stops cleanly when the consumer stops early', async () => {
    let seen = 0;
    for await (const batch of readCommits(repo, withoutMerges, { includeMerges: false, jobs: 3 })) {
      seen += batch.length;
      break;
    }
    expect(seen).toBeGreaterThan(0);
    expect(await collect(withoutMerges, { includeMerges: false, jobs: 3 })).toHaveLength(withoutMerges.length);
  });

  it('reports a missing git binary', async () => {
    const previous = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const error = await collect(withoutMerges, { includeMerges: false, jobs: 2 }).catch((caught: unknown) => caught);
      expect(isCoherenceError(error) && error.code).toBe('ENOGIT');
    } finally {
      process.env.PATH = previous;
    }
  });

  it('rejects with git\'s message when git fails', async () => {
    const error = await collect([standard.hashes.initial, '0'.repeat(40)], { includeMerges: false, jobs: 1 }).catch((caught: unknown) => caught);
    expect(isCoherenceError(error) && error.code).toBe('EGIT');
    expect((error as Error).message).toMatch(/^git diff-tree failed: .*0{40}/);
  });
});
