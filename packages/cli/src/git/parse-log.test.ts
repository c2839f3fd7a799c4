// LogStreamParser against real `git diff-tree --stdin` output of the standard repository, in chunks of any size.

import { spawnSync } from 'node:child_process';
import type { GitCommit } from '@coherence/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStandardRepo, ODD_PATHS, STANDARD_PEOPLE, type StandardRepo } from '../../../../test/support/git-fixture.js';
import { gitEnvironment } from './git-environment.js';
import { diffTreeArgs } from './diff-tree-command.js';
import { BATCH_END_LINE, LogStreamParser } from './parse-log.js';

let repo: StandardRepo;
let output: Buffer;
let hashes: string[];

function gitOutput(input: string): Buffer {
  const result = spawnSync('git', diffTreeArgs(repo.dir, { includeMerges: true }), { input, env: gitEnvironment() });
  expect(result.status, result.stderr.toString()).toBe(0);
  return result.stdout;
}

beforeAll(() => {
  repo = buildStandardRepo();
  hashes = repo.fixture.git(['rev-list', '--reverse', 'HEAD']).trim().split('\n');
  output = gitOutput(`${hashes.join('\n')}\n`);
});
afterAll(() => repo?.cleanup());

function parseInChunks(bytes: Buffer, size: number): GitCommit[] {
  const parser = new LogStreamParser();
  const commits: GitCommit[] = [];
  for (let start = 0; start < bytes.length; start += size) commits.push(...parser.push(bytes.subarray(start, start + size)));
  return [...commits, ...parser.end()];
}

const byHash = (commits: GitCommit[]) => new Map(commits.map((commit) => [commit.hash, commit]));

describe('LogStreamParser', () => {
  it('parses every commit in the order given', () => {
    expect(parseInChunks(output, output.length).map((commit) => commit.hash)).toEqual(hashes);
  });

  it.each([1, 7, 4096])('gives identical results in %i-byte chunks', (size) => {
    expect(parseInChunks(output, size)).toEqual(parseInChunks(output, output.length));
  });

  it('reads the header fields, mailmap applied to the author', () => {
    const commits = byHash(parseInChunks(output, output.length));
    const moved = commits.get(repo.hashes.aliceOldLaptop)!;
    expect(moved.author).toEqual({ ...STANDARD_PEOPLE.alice, date: '2024-01-03T10:00:00+00:00' });
    expect(moved.parents).toEqual([repo.hashes.initial]);
    expect(commits.get(repo.hashes.initial)!.parents).toEqual([]);
    const coAuthored = commits.get(repo.hashes.coAuthored)!;
    expect(coAuthored.author.date).toBe('2024-01-05T12:30:00+02:00');
    expect(coAuthored.committer).toEqual({ ...STANDARD_PEOPLE.octocat, date: '2024-01-05T12:30:00+02:00' });
    expect(coAuthored.subject).toBe('Add greeting');
    expect(coAuthored.message).toBe(
      'Add greeting\n\nPaired on this one at the café.\n\nCo-authored-by: Carol Danvers <carol@example.org>\nCo-authored-by: Bobby <bob@personal.example>',
    );
    expect(commits.get(repo.hashes.merge)!.parents).toEqual([repo.hashes.mainBeforeMerge, repo.hashes.featureFinish]);
  });

  it('keeps separator bytes and unicode in a message intact', () => {
    const last = byHash(parseInChunks(output, 1)).get(repo.hashes.last)!;
    expect(last.message).toContain('Body with odd bytes: \x1e and \x1f, unicode ✓.');
    expect(last.subject).toBe('Bump version');
  });

  it('keeps awkward file names exact', () => {
    const oddNames = byHash(parseInChunks(output, 3)).get(repo.hashes.oddNames)!;
    expect(oddNames.files.map((file) => file.path).sort()).toEqual(Object.values(ODD_PATHS).sort());
    expect(oddNames.files.find((file) => file.path === ODD_PATHS.newline)).toEqual({ path: ODD_PATHS.newline, linesAdded: 4, linesDeleted: 0, binary: false });
  });

  it('reads renames with their edits, binary files, deletions and empty commits', () => {
    const commits = byHash(parseInChunks(output, 7));
    expect(commits.get(repo.hashes.rename)!.files).toEqual([
      { path: 'src/arithmetic.ts', previousPath: 'src/math.ts', linesAdded: 3, linesDeleted: 2, binary: false },
    ]);
    expect(commits.get(repo.hashes.binary)!.files).toEqual([{ path: 'assets/logo.png', linesAdded: 0, linesDeleted: 0, binary: true }]);
    expect(commits.get(repo.hashes.deletion)!.files).toContainEqual({ path: ODD_PATHS.tab, linesAdded: 0, linesDeleted: 3, binary: false });
    expect(commits.get(repo.hashes.empty)!.files).toEqual([]);
  });

  it('reads a merge as its diff against the first parent', () => {
    const merge = byHash(parseInChunks(output, 7)).get(repo.hashes.merge)!;
    expect(merge.files).toEqual([{ path: 'src/login.ts', linesAdded: 8, linesDeleted: 0, binary: false }]);
  });

  it('completes a commit only when the next one starts or the stream ends', () => {
    const parser = new LogStreamParser();
    const secondRecord = output.indexOf(0x1e, 1);
    const secondHashEnd = output.indexOf(0, secondRecord);
    expect(parser.push(output.subarray(0, secondHashEnd))).toEqual([]);
    expect(parser.push(output.subarray(secondHashEnd, secondHashEnd + 1)).map((commit) => commit.hash)).toEqual([hashes[0]]);
  });

  it.each([1, 5, 1 << 20])('reports batch ends where they fall, in %i-byte chunks', (size) => {
    // The first batch ends on the empty commit: a header with no numstat entries after it.
    const split = hashes.indexOf(repo.hashes.empty) + 1;
    const marked = gitOutput(`${hashes.slice(0, split).join('\n')}\n${BATCH_END_LINE}${hashes.slice(split).join('\n')}\n${BATCH_END_LINE}`);
    const parser = new LogStreamParser();
    const commits: GitCommit[] = [];
    const ends: number[] = [];
    for (let start = 0; start < marked.length; start += size) {
      commits.push(...parser.push(marked.subarray(start, start + size)));
      ends.push(...parser.takeBatchEnds());
    }
    // Each batch's last commit is complete at its end line, not only when the next commit starts.
    expect(ends).toEqual([split, hashes.length]);
    expect(parser.end()).toEqual([]);
    expect(commits).toEqual(parseInChunks(output, output.length));
  });

  it('throws on output cut off inside a header', () => {
    const parser = new LogStreamParser();
    parser.push(Buffer.from('\x1eabc\x00def\x00'));
    expect(() => parser.end()).toThrow(/middle of a commit/);
  });

  it('throws on output it does not understand', () => {
    expect(() => new LogStreamParser().push(Buffer.from('warning: something\x00'))).toThrow(/unexpected/);
  });
});
