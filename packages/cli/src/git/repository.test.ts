// openRepository: finding the top level, naming the repository, and refusing what is not a repository.

import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type GitFixture } from '../../../../test/support/git-fixture.js';
import { CoherenceError } from '../errors.js';
import { openRepository } from './repository.js';

let fixture: GitFixture;
const scratch: string[] = [];

beforeAll(() => {
  fixture = createFixture();
  fixture.commit({ message: 'one', files: { 'src/a.ts': 'a\n' } });
  fixture.commit({ message: 'two', files: { 'src/a.ts': 'a\nb\n' } });
  fixture.commit({ message: 'three', files: { 'src/a.ts': 'a\nb\nc\n' } });
});
afterAll(() => fixture?.cleanup());
afterEach(() => scratch.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function scratchDir(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'coherence-scratch-')));
  scratch.push(dir);
  return dir;
}

async function openError(dir: string): Promise<CoherenceError> {
  const error = await openRepository(dir).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(CoherenceError);
  return error as CoherenceError;
}

describe('openRepository', () => {
  it('finds the top level from a subdirectory', async () => {
    const repo = await openRepository(join(fixture.dir, 'src'));
    expect(repo.root).toBe(fixture.dir);
    expect((await repo.git.raw(['rev-parse', 'HEAD'])).trim()).toBe(fixture.head());
  });

  it('rejects a directory outside any repository', async () => {
    const dir = scratchDir();
    const previous = process.env.GIT_CEILING_DIRECTORIES;
    // So a repository above the temp dir (a CI checkout, say) cannot be found instead.
    process.env.GIT_CEILING_DIRECTORIES = tmpdir();
    try {
      const error = await openError(dir);
      expect([error.code, error.kind]).toEqual(['ENOGITREPO', 'environment']);
      expect(error.message).toContain(dir);
    } finally {
      if (previous === undefined) delete process.env.GIT_CEILING_DIRECTORIES;
      else process.env.GIT_CEILING_DIRECTORIES = previous;
    }
  });

  it('rejects a directory that does not exist', async () => {
    expect((await openError(join(scratchDir(), 'missing'))).code).toBe('ENOGITREPO');
  });

  it('reports a missing git binary', async () => {
    const previous = process.env.PATH;
    process.env.PATH = scratchDir();
    try {
      expect((await openError(fixture.dir)).code).toBe('ENOGIT');
    } finally {
      process.env.PATH = previous;
    }
  });

  it('ignores GIT_DIR inherited from a hook', async () => {
    const other = createFixture();
    other.commit({ message: 'elsewhere', files: { b: 'b\n' } });
    const previous = process.env.GIT_DIR;
    process.env.GIT_DIR = join(other.dir, '.git');
    try {
      const repo = await openRepository(fixture.dir);
      expect(repo.root).toBe(fixture.dir);
      expect((await repo.git.raw(['rev-parse', 'HEAD'])).trim()).toBe(fixture.head());
    } finally {
      if (previous === undefined) delete process.env.GIT_DIR;
      else process.env.GIT_DIR = previous;
      other.cleanup();
    }
  });
});

describe('bare repositories', () => {
  it('open at the git directory, named after it', async () => {
    const bare = join(scratchDir(), 'hello.git');
    fixture.git(['clone', '--quiet', '--bare', fixture.dir, bare]);
    const repo = await openRepository(bare);
    expect(repo.root).toBe(bare);
    expect(await repo.repositoryName()).toBe('hello');
  });
});

describe('repositoryName', () => {
  it('is owner/name from a GitHub origin', async () => {
    fixture.setRemote('git@github.com:octo/hello-world.git');
    expect(await (await openRepository(fixture.dir)).repositoryName()).toBe('octo/hello-world');
    fixture.setRemote('https://github.com/octo/other');
    expect(await (await openRepository(fixture.dir)).repositoryName()).toBe('octo/other');
  });

  it('falls back to the folder name without a GitHub origin', async () => {
    fixture.setRemote('https://gitlab.com/octo/hello.git');
    expect(await (await openRepository(fixture.dir)).repositoryName()).toBe(basename(fixture.dir));
    fixture.git(['remote', 'remove', 'origin']);
    expect(await (await openRepository(fixture.dir)).repositoryName()).toBe(basename(fixture.dir));
  });
});

describe('shallow clones', () => {
  it('are detected, with their boundary commits', async () => {
    const full = await openRepository(fixture.dir);
    expect(await full.isShallow()).toBe(false);
    expect(await full.shallowCommits()).toEqual(new Set());

    const clone = join(scratchDir(), 'clone');
    mkdirSync(clone);
    fixture.git(['clone', '--quiet', '--depth', '2', `file://${fixture.dir}`, clone]);
    const shallow = await openRepository(clone);
    expect(await shallow.isShallow()).toBe(true);
    expect(await shallow.shallowCommits()).toEqual(new Set([fixture.git(['rev-parse', 'HEAD~1']).trim()]));
  });
});
