// Opening the repository to read: where its top level is, what it is called, and whether it is shallow.

import { stat, readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { SimpleGit } from 'simple-git';
import { repositoryFromRemoteUrl } from '@coherence/core';
import { errors } from '../errors.js';
import { createGitClient } from './git-client.js';
import { gitError, runGit } from './run-git.js';

export interface GitRepository {
  /** The work tree's top level; the git directory itself for a bare repository. */
  root: string;
  git: SimpleGit;
  isShallow(): Promise<boolean>;
  /** The boundary commits recorded in $GIT_DIR/shallow: their parents are missing. */
  shallowCommits(): Promise<Set<string>>;
  /** "owner/name" from a GitHub origin remote, else the folder name. */
  repositoryName(): Promise<string>;
  /** git's version as [major, minor]. */
  gitVersion(): Promise<[number, number]>;
}

export async function openRepository(dir: string): Promise<GitRepository> {
  const start = resolve(dir);
  if (!(await isDirectory(start))) throw errors.notAGitRepository(dir);
  const git = createGitClient(start);
  const { gitDir, bare } = await locateGitDir(git, dir);
  const root = bare ? gitDir : await locateWorkTree(git, gitDir);
  return createRepository(root, root === start ? git : createGitClient(root));
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function locateGitDir(git: SimpleGit, dir: string): Promise<{ gitDir: string; bare: boolean }> {
  try {
    const [gitDir = '', bare] = (await git.raw(['rev-parse', '--absolute-git-dir', '--is-bare-repository'])).trim().split('\n');
    return { gitDir, bare: bare === 'true' };
  } catch (error) {
    if (error instanceof Error && /not a git repository/i.test(error.message)) throw errors.notAGitRepository(dir);
    // Anything else (missing git, "dubious ownership") is reported as git said it.
    throw gitError(error, 'rev-parse');
  }
}

async function locateWorkTree(git: SimpleGit, gitDir: string): Promise<string> {
  try {
    return (await git.raw(['rev-parse', '--show-toplevel'])).trim();
  } catch {
    // Started from inside the .git directory: history is just as readable from there.
    return gitDir;
  }
}

function createRepository(root: string, git: SimpleGit): GitRepository {
  return {
    root,
    git,
    isShallow: async () => (await runGit(git, ['rev-parse', '--is-shallow-repository'])).trim() === 'true',
    shallowCommits: async () => readShallowFile(git),
    repositoryName: async () => (await originName(git)) ?? folderName(root),
    gitVersion: async () => {
      const match = /(\d+)\.(\d+)/.exec(await runGit(git, ['--version']));
      return match ? [Number(match[1]), Number(match[2])] : [0, 0];
    },
  };
}

async function readShallowFile(git: SimpleGit): Promise<Set<string>> {
  // Worktrees share the main repository's shallow file, which lives in the common directory.
  const commonDir = (await runGit(git, ['rev-parse', '--path-format=absolute', '--git-common-dir'])).trim();
  try {
    const text = await readFile(resolve(commonDir, 'shallow'), 'utf8');
    return new Set(text.split('\n').map((line) => line.trim()).filter((line) => line !== ''));
  } catch {
    return new Set();
  }
}

async function originName(git: SimpleGit): Promise<string | undefined> {
  const url = (await runGit(git, ['config', '--get', 'remote.origin.url'])).trim();
  return url === '' ? undefined : repositoryFromRemoteUrl(url);
}

function folderName(root: string): string {
  const name = basename(root);
  if (name === '.git') return basename(dirname(root));
  return name.endsWith('.git') && name.length > 4 ? name.slice(0, -4) : name;
}
