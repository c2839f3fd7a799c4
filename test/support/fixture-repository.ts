// A real, throwaway git repository for tests, built from compact commit descriptions: dated commits by
// chosen people, edits, deletions, renames, binary content, merges, co-author trailers, remotes.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { devNull, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface Identity {
  name: string;
  email: string;
}

export type FileContent = string | Buffer;

export interface CommitSpec {
  message: string;
  /** Files to write (created or overwritten); null deletes the file. Paths use "/" and may hold any byte but NUL. */
  files?: Record<string, FileContent | null>;
  /** from → to, moved with `git mv` before `files` are written, so a rename can carry edits. */
  renames?: Record<string, string>;
  author?: Identity;
  /** Defaults to the author. */
  committer?: Identity;
  /** ISO 8601; the author date, and the committer date unless committerDate is given. Defaults to one hour after the previous commit. */
  date?: string;
  committerDate?: string;
  /** Appended to the message as Co-authored-by trailers. */
  coAuthors?: Identity[];
}

export interface MergeSpec {
  message?: string;
  author?: Identity;
  date?: string;
}

export const DEFAULT_AUTHOR: Identity = { name: 'Fixture Author', email: 'fixture@example.com' };
const FIRST_DATE = Date.parse('2024-01-01T00:00:00Z');

/**
 * The user's git configuration and GIT_* variables (GIT_DIR from a hook, GIT_AUTHOR_NAME, ...) must not
 * leak into fixtures: commit.gpgsign=true or a template dir would make tests fail for reasons of their own.
 */
function hermeticEnvironment(): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('GIT_')) environment[name] = value;
  return { ...environment, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: devNull, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' };
}

/** Runs git in `dir` and returns its stdout, untrimmed. Throws with git's stderr on failure. */
export function runFixtureGit(dir: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): string {
  return execFileSync('git', args, {
    cwd: dir,
    env: { ...hermeticEnvironment(), ...options.env },
    input: options.input ?? '',
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

export class GitFixture {
  private nextDate = FIRST_DATE;

  private constructor(readonly dir: string) {}

  /** An initialised repository on branch `main` with no commits; remove it with cleanup(). */
  static create(options: { branch?: string; prefix?: string } = {}): GitFixture {
    // realpath: on macOS the temp dir is a symlink, and git reports resolved paths.
    const dir = realpathSync(mkdtempSync(join(tmpdir(), options.prefix ?? 'coherence-fixture-')));
    const fixture = new GitFixture(dir);
    fixture.git(['init', '--quiet', '-b', options.branch ?? 'main']);
    for (const [key, value] of [
      ['user.name', DEFAULT_AUTHOR.name],
      ['user.email', DEFAULT_AUTHOR.email],
      ['gc.auto', '0'],
      ['maintenance.auto', 'false'],
      ['commit.gpgsign', 'false'],
      ['core.autocrlf', 'false'],
    ] as const) {
      fixture.git(['config', key, value]);
    }
    return fixture;
  }

  git(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): string {
    return runFixtureGit(this.dir, args, options);
  }

  /** Makes one commit (empty when nothing changed) and returns its hash. */
  commit(spec: CommitSpec): string {
    for (const [from, to] of Object.entries(spec.renames ?? {})) {
      mkdirSync(dirname(join(this.dir, to)), { recursive: true });
      this.git(['mv', '--', from, to]);
    }
    for (const [path, content] of Object.entries(spec.files ?? {})) this.writeFile(path, content);
    this.git(['add', '--all']);
    const message = withTrailers(spec.message, spec.coAuthors ?? []);
    this.git(['commit', '--quiet', '--allow-empty', '--no-verify', '--cleanup=whitespace', '--file=-'], {
      input: message,
      env: this.identityEnvironment(spec.author, spec.committer, spec.date, spec.committerDate),
    });
    return this.head();
  }

  /** Creates `name` at `startPoint` (default HEAD) and checks it out. */
  branch(name: string, startPoint = 'HEAD'): void {
    this.git(['checkout', '--quiet', '-b', name, startPoint]);
  }

  checkout(ref: string): void {
    this.git(['checkout', '--quiet', ref]);
  }

  /** Merges `branch` into the current branch with a merge commit (--no-ff), returning its hash. */
  merge(branch: string, spec: MergeSpec = {}): string {
    this.git(['merge', '--quiet', '--no-ff', '--no-edit', '-m', spec.message ?? `Merge branch '${branch}'`, branch], {
      env: this.identityEnvironment(spec.author, undefined, spec.date, undefined),
    });
    return this.head();
  }

  tag(name: string, ref = 'HEAD'): void {
    this.git(['tag', name, ref]);
  }

  setRemote(url: string, name = 'origin'): void {
    const remotes = this.git(['remote']).split('\n');
    this.git(remotes.includes(name) ? ['remote', 'set-url', name, url] : ['remote', 'add', name, url]);
  }

  head(): string {
    return this.git(['rev-parse', 'HEAD']).trim();
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private writeFile(path: string, content: FileContent | null): void {
    const absolute = join(this.dir, path);
    if (content === null) {
      rmSync(absolute, { force: true });
      return;
    }
    mkdirSync(dirname(absolute), { recursive: true });
    writeFileSync(absolute, content);
  }

  private identityEnvironment(author = DEFAULT_AUTHOR, committer = author, date?: string, committerDate?: string): NodeJS.ProcessEnv {
    const authorDate = date ?? this.defaultDate();
    return {
      GIT_AUTHOR_NAME: author.name,
      GIT_AUTHOR_EMAIL: author.email,
      GIT_AUTHOR_DATE: authorDate,
      GIT_COMMITTER_NAME: committer.name,
      GIT_COMMITTER_EMAIL: committer.email,
      GIT_COMMITTER_DATE: committerDate ?? authorDate,
    };
  }

  /** Undated commits are an hour apart, so their order by date is their order of creation. */
  private defaultDate(): string {
    const date = new Date(this.nextDate).toISOString().replace(/\.\d{3}Z$/, 'Z');
    this.nextDate += 3_600_000;
    return date;
  }
}

export function createFixture(options: { branch?: string; prefix?: string } = {}): GitFixture {
  return GitFixture.create(options);
}

function withTrailers(message: string, coAuthors: Identity[]): string {
  if (coAuthors.length === 0) return message;
  const trailers = coAuthors.map((person) => `Co-authored-by: ${person.name} <${person.email}>`).join('\n');
  return `${message.replace(/\s+$/, '')}\n\n${trailers}\n`;
}
