// The few git commands the Action runs itself, to work out a push's range and fetch the history it needs.
// Reading commits is left to the CLI's trackHistory.

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { errors } from '@coherence/cli';

interface GitResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

export class Git {
  constructor(readonly dir: string, private readonly log: (line: string) => void = () => {}) {}

  /** Runs git; a non-zero exit is a result, not an error. A missing git binary is. */
  exec(args: readonly string[]): Promise<GitResult> {
    this.log(`git ${args.join(' ')}`);
    return new Promise((resolve, reject) => {
      execFile(
        'git',
        args,
        // Fetching must never wait for a password prompt on a runner.
        { cwd: this.dir, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error && typeof error.code === 'string') {
            reject(error.code === 'ENOENT' ? errors.gitMissing() : errors.gitFailed(args[0] ?? '', error.message));
            return;
          }
          resolve({ ok: !error, stdout, stderr });
        },
      );
    });
  }

  /** stdout of a command that must succeed. */
  async run(args: readonly string[]): Promise<string> {
    const result = await this.exec(args);
    if (!result.ok) throw errors.gitFailed(args[0] ?? '', result.stderr);
    return result.stdout;
  }

  /** The full hash of the commit `rev` names, or undefined when there is none here. */
  async commit(rev: string): Promise<string | undefined> {
    if (rev === '' || rev.startsWith('-')) return undefined;
    const result = await this.exec(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
    return result.ok ? result.stdout.trim() || undefined : undefined;
  }

  async hasCommit(sha: string): Promise<boolean> {
    return (await this.exec(['cat-file', '-e', `${sha}^{commit}`])).ok;
  }

  async isShallow(): Promise<boolean> {
    return (await this.run(['rev-parse', '--is-shallow-repository'])).trim() === 'true';
  }

  /** The best common ancestor of two commits, or undefined when (in this clone's history) they have none. */
  async mergeBase(a: string, b: string): Promise<string | undefined> {
    const result = await this.exec(['merge-base', a, b]);
    return result.ok ? result.stdout.trim() || undefined : undefined;
  }

  /** The commits of `tip ^base` (the whole history of tip without a base), newest first. */
  async revList(tip: string, base: string | undefined): Promise<string[]> {
    const output = await this.run(['rev-list', tip, ...(base === undefined ? [] : [`^${base}`])]);
    return output.split('\n').filter((line) => line !== '');
  }

  /** How many merge commits `tip ^base` holds. */
  async countMerges(tip: string, base: string | undefined): Promise<number> {
    return Number((await this.run(['rev-list', '--merges', '--count', tip, ...(base === undefined ? [] : [`^${base}`])])).trim());
  }

  /** The boundary commits of a shallow clone: present, but their parents are not. */
  async shallowBoundary(): Promise<Set<string>> {
    const path = (await this.run(['rev-parse', '--path-format=absolute', '--git-path', 'shallow'])).trim();
    try {
      const text = await readFile(path, 'utf8');
      return new Set(text.split('\n').map((line) => line.trim()).filter((line) => line !== ''));
    } catch {
      return new Set();
    }
  }

  /** Fetches one commit by hash (GitHub serves any commit it still has); false when the remote cannot. */
  async fetchCommit(sha: string, depth?: number): Promise<boolean> {
    const result = await this.exec(['fetch', '--no-tags', '--quiet', ...(depth ? [`--depth=${depth}`] : []), 'origin', sha]);
    return result.ok && (await this.hasCommit(sha));
  }

  /** Fetches a branch of origin into refs/remotes/origin/<branch>; false when the remote has no such branch. */
  async fetchBranch(branch: string, depth?: number): Promise<boolean> {
    const refspec = `+refs/heads/${branch}:refs/remotes/origin/${branch}`;
    return (await this.exec(['fetch', '--no-tags', '--quiet', ...(depth ? [`--depth=${depth}`] : []), 'origin', refspec])).ok;
  }

  /** Adds `commits` generations of history behind the current shallow boundary of each of `tips`. */
  async deepen(commits: number, tips: readonly string[]): Promise<GitResult> {
    return this.exec(['fetch', '--no-tags', '--quiet', `--deepen=${commits}`, 'origin', ...tips]);
  }

  async unshallow(tips: readonly string[]): Promise<GitResult> {
    return this.exec(['fetch', '--no-tags', '--quiet', '--unshallow', 'origin', ...tips]);
  }
}
