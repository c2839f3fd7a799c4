// resolveRange + listCommits on the standard repository: dates, refs, branches and every user mistake.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStandardRepo, createFixture, type StandardCommit, type StandardRepo } from '../../../../test/support/git-fixture.js';
import { CoherenceError } from '../errors.js';
import { listCommits } from './list-commits.js';
import { resolveRange, type RangeOptions } from './range.js';
import { openRepository, type GitRepository } from './repository.js';

let standard: StandardRepo;
let repo: GitRepository;
const NOW = new Date('2024-02-02T09:00:00Z');

beforeAll(async () => {
  standard = buildStandardRepo();
  repo = await openRepository(standard.dir);
});
afterAll(() => standard?.cleanup());

async function commitsIn(options: Omit<RangeOptions, 'includeMerges'>, includeMerges = false) {
  const range = await resolveRange(repo, { ...options, includeMerges }, NOW);
  const hashes = await listCommits(repo, range, { includeMerges });
  const names = Object.fromEntries(Object.entries(standard.hashes).map(([name, hash]) => [hash, name]));
  // listCommits gives git's order, newest first; the expectations read oldest first.
  return { description: range.description, commits: hashes.map((hash) => names[hash] ?? hash).reverse() };
}

async function failure(options: Omit<RangeOptions, 'includeMerges'>): Promise<CoherenceError> {
  const error = await resolveRange(repo, { ...options, includeMerges: false }, NOW).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(CoherenceError);
  return error as CoherenceError;
}

const ALL_WITHOUT_MERGES: StandardCommit[] = [
  'initial',
  'aliceOldLaptop',
  'coAuthored',
  'binary',
  'oddNames',
  'rename',
  'featureStart',
  'featureFinish',
  'mainBeforeMerge',
  'dependabot',
  'empty',
  'deletion',
  'last',
];

describe('resolveRange', () => {
  it('reads the whole history, oldest first, without merges by default', async () => {
    const { description, commits } = await commitsIn({});
    expect(description).toBe('the whole history of main');
    expect(commits).toEqual(ALL_WITHOUT_MERGES);
  });

  it('includes merge commits when asked', async () => {
    const { commits } = await commitsIn({}, true);
    expect(commits).toHaveLength(ALL_WITHOUT_MERGES.length + 1);
    expect(commits).toContain('merge');
  });

  it('limits by an ISO date', async () => {
    expect(await commitsIn({ since: '2024-01-20' })).toEqual({
      description: 'main since 2024-01-20',
      commits: ['dependabot', 'empty', 'deletion', 'last'],
    });
  });

  it('limits by a relative date, counted from now', async () => {
    expect(await commitsIn({ since: '2.weeks.ago' })).toEqual({
      description: 'main since 2.weeks.ago (2024-01-19T09:00:00Z)',
      commits: ['dependabot', 'empty', 'deletion', 'last'],
    });
  });

  it('limits by --until date, inclusive', async () => {
    expect(await commitsIn({ since: '2024-01-03T10:00:00Z', until: '2024-01-08T08:00:00-05:00' })).toEqual({
      description: 'main since 2024-01-03T10:00:00Z until 2024-01-08T13:00:00Z',
      commits: ['aliceOldLaptop', 'coAuthored', 'binary'],
    });
  });

  it('reads a date-only --until as the end of that day', async () => {
    expect(await commitsIn({ until: '2024-01-05' })).toEqual({
      description: 'main until 2024-01-05',
      commits: ['initial', 'aliceOldLaptop', 'coAuthored'],
    });
  });

  it('reads REF..HEAD when --since names a commit', async () => {
    expect(await commitsIn({ since: 'v0.1.0' })).toEqual({
      description: 'v0.1.0..main',
      commits: ['featureStart', 'featureFinish', 'mainBeforeMerge', 'dependabot', 'empty', 'deletion', 'last'],
    });
    const { description } = await commitsIn({ since: standard.hashes.rename });
    expect(description).toBe(`${standard.hashes.rename.slice(0, 7)}..main`);
  });

  it('reads up to a commit given as --until', async () => {
    expect(await commitsIn({ until: standard.hashes.binary.slice(0, 10) })).toEqual({
      description: `the whole history of ${standard.hashes.binary.slice(0, 10)}`,
      commits: ['initial', 'aliceOldLaptop', 'coAuthored', 'binary'],
    });
  });

  it('reads another branch, and REF..BRANCH', async () => {
    expect((await commitsIn({ branch: 'feature/login' })).commits).toEqual([...ALL_WITHOUT_MERGES.slice(0, 6), 'featureStart', 'featureFinish']);
    expect(await commitsIn({ since: 'v0.1.0', branch: 'feature/login' })).toEqual({
      description: 'v0.1.0..feature/login',
      commits: ['featureStart', 'featureFinish'],
    });
  });

  it('treats a value naming a commit as a ref before a date', async () => {
    standard.fixture.tag('2024-01-20', standard.hashes.oddNames);
    try {
      expect((await commitsIn({ since: '2024-01-20' })).description).toBe('2024-01-20..main');
    } finally {
      standard.fixture.git(['tag', '-d', '2024-01-20']);
    }
  });

  it('rejects an unknown --branch', async () => {
    const error = await failure({ branch: 'nope' });
    expect([error.code, error.kind]).toEqual(['EUNKNOWNREF', 'usage']);
    expect(error.message).toContain('--branch "nope"');
  });

  it('rejects what is neither a ref nor a date as an unknown ref', async () => {
    const error = await failure({ since: 'foo bar' });
    expect([error.code, error.kind]).toEqual(['EUNKNOWNREF', 'usage']);
    expect((await failure({ until: '--upload-pack=x' })).code).toBe('EUNKNOWNREF');
  });

  it.each(['2024-13-45', '2 fortnights ago', '31/12/2024'])('rejects the garbage date %j', async (since) => {
    const error = await failure({ since });
    expect([error.code, error.kind]).toEqual(['EBADDATE', 'usage']);
  });

  it('rejects --since after --until, and empty values', async () => {
    expect((await failure({ since: '2024-02-01', until: '2024-01-01' })).code).toBe('EBADOPTION');
    expect((await failure({ since: ' ' })).code).toBe('EBADOPTION');
  });

  it('reports an empty repository clearly', async () => {
    const empty = createFixture();
    try {
      const emptyRepo = await openRepository(empty.dir);
      for (const options of [{}, { branch: 'main' }]) {
        const error = await resolveRange(emptyRepo, { ...options, includeMerges: false }).catch((caught: unknown) => caught);
        expect(error).toMatchObject({ code: 'EEMPTYREPO', kind: 'environment', message: expect.stringContaining('has no commits yet') });
      }
    } finally {
      empty.cleanup();
    }
  });

  it('reports an unborn current branch when other branches have commits', async () => {
    const fixture = createFixture();
    try {
      fixture.commit({ message: 'one', files: { a: 'a\n' } });
      fixture.git(['checkout', '--quiet', '--orphan', 'fresh']);
      const error = await resolveRange(await openRepository(fixture.dir), { includeMerges: false }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'EEMPTYREPO', message: expect.stringContaining('pass --branch') });
    } finally {
      fixture.cleanup();
    }
  });

  it('finds commits by date even behind a commit with a skewed clock', async () => {
    const fixture = createFixture();
    try {
      const first = fixture.commit({ message: 'one', files: { a: '1\n' }, date: '2024-01-01T00:00:00Z' });
      fixture.commit({ message: 'wrong clock', files: { a: '2\n' }, date: '2024-01-02T00:00:00Z', committerDate: '2020-01-01T00:00:00Z' });
      const third = fixture.commit({ message: 'three', files: { a: '3\n' }, date: '2024-01-03T00:00:00Z' });
      const skewed = await openRepository(fixture.dir);
      const range = await resolveRange(skewed, { since: '2023-06-01', includeMerges: false }, NOW);
      expect(await listCommits(skewed, range, { includeMerges: false })).toEqual([third, first]);
    } finally {
      fixture.cleanup();
    }
  });
});
