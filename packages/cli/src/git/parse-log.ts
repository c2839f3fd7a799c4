// A pure, incremental parser for `git log -z --numstat --format=LOG_FORMAT` output (which `git diff-tree
// --stdin` prints too): bytes in, commits out, with the same result however the bytes are split into chunks.

import type { FileChange, GitCommit } from '@coherence/core';

/**
 * The header of each commit. Its fields are separated by NUL, like every other token in -z output:
 * names, messages and paths may contain any other byte (\x1e and \x1f included) but never NUL, so
 * NUL framing keeps every field exact. The record starts with \x1e, which no numstat line can start
 * with, so a new commit is recognisable. %B stays last by convention; its trailing newlines are dropped.
 */
const HEADER_FIELDS = ['%H', '%P', '%aN', '%aE', '%aI', '%cN', '%cE', '%cI', '%s', '%B'] as const;
export const LOG_FORMAT = `%x1e${HEADER_FIELDS.join('%x00')}`;

const NUL = 0x00;
const NEWLINE = 0x0a;
const RECORD_START = 0x1e;
/**
 * `git diff-tree --stdin` echoes any input line that is not an object name, and flushes: a line made of
 * this byte, written after a batch of hashes, comes back once every commit of the batch is printed. It
 * can only arrive between commits, where no numstat entry (a digit, "-" or a newline) or header can start.
 */
export const BATCH_END = 0x1d;
export const BATCH_END_LINE = '\x1d\n';

/** A numstat entry whose two paths (old, new) follow as the next tokens: a rename or copy. */
interface PendingRename {
  change: FileChange;
  previousPath?: string;
}

export class LogStreamParser {
  /** Bytes of a token whose NUL has not arrived yet (a UTF-8 character may be split across them). */
  private partial: Buffer[] = [];
  private header: string[] | undefined;
  /** The commit being read: complete only once the next one starts or the stream ends. */
  private current: GitCommit | undefined;
  private rename: PendingRename | undefined;
  private completedCount = 0;
  private batchEnds: number[] = [];
  /** A batch-end byte ended the last chunk; its newline is still to come. */
  private batchEndOpen = false;

  /** Parses a chunk; returns the commits it completed (the last one stays open until the next begins). */
  push(chunk: Buffer): GitCommit[] {
    const completed: GitCommit[] = [];
    let from = this.skipBatchEnds(chunk, 0, completed);
    for (let nul = chunk.indexOf(NUL, from); nul !== -1; nul = chunk.indexOf(NUL, from)) {
      if (this.partial.length > 0) {
        this.partial.push(chunk.subarray(from, nul));
        this.token(Buffer.concat(this.partial), completed);
        this.partial = [];
      } else {
        this.token(chunk.subarray(from, nul), completed);
      }
      from = this.skipBatchEnds(chunk, nul + 1, completed);
    }
    // Copied, so a held tail neither pins the whole chunk nor changes if the caller reuses it.
    if (from < chunk.length) this.partial.push(Buffer.from(chunk.subarray(from)));
    return completed;
  }

  /** Call once the stream has ended: returns the last commit(s). Throws on truncated output. */
  end(): GitCommit[] {
    const completed: GitCommit[] = [];
    if (this.partial.length > 0) {
      this.token(Buffer.concat(this.partial), completed);
      this.partial = [];
    }
    if (this.header !== undefined || this.rename !== undefined || this.batchEndOpen) throw new Error('git log output ended in the middle of a commit');
    this.finishCurrent(completed);
    return completed;
  }

  /**
   * For each batch-end line seen since the last call, how many commits had been completed in all when
   * it arrived. The commit before the line counts as completed: nothing of it can follow the line.
   */
  takeBatchEnds(): number[] {
    const ends = this.batchEnds;
    this.batchEnds = [];
    return ends;
  }

  /**
   * Consumes batch-end lines at `from`, if a token starts there between commits, and returns where the
   * next token starts. They are taken as soon as they arrive: no NUL follows one until git prints more.
   */
  private skipBatchEnds(chunk: Buffer, from: number, completed: GitCommit[]): number {
    if (this.partial.length > 0 || this.header !== undefined || this.rename !== undefined) return from;
    let at = from;
    if (this.batchEndOpen && at < chunk.length) {
      if (chunk[at] !== NEWLINE) throw new Error('unexpected byte after a batch end in git output');
      this.batchEndOpen = false;
      this.endBatch(completed);
      at += 1;
    }
    while (at < chunk.length && chunk[at] === BATCH_END) {
      if (at + 1 === chunk.length) {
        this.batchEndOpen = true;
        return chunk.length;
      }
      if (chunk[at + 1] !== NEWLINE) break;
      this.endBatch(completed);
      at += 2;
    }
    return at;
  }

  private endBatch(completed: GitCommit[]): void {
    this.finishCurrent(completed);
    this.batchEnds.push(this.completedCount);
  }

  private token(bytes: Buffer, completed: GitCommit[]): void {
    if (this.header !== undefined) return this.headerField(bytes.toString('utf8'));
    if (this.rename !== undefined) return this.renamePath(bytes.toString('utf8'));
    if (bytes.length === 0) return;
    if (bytes[0] === RECORD_START) {
      this.finishCurrent(completed);
      this.header = [bytes.toString('utf8', 1)];
      return;
    }
    this.numstatEntry(bytes.toString('utf8'));
  }

  private headerField(value: string): void {
    const header = this.header!;
    header.push(value);
    if (header.length < HEADER_FIELDS.length) return;
    this.current = commitFromHeader(header);
    this.header = undefined;
  }

  private numstatEntry(text: string): void {
    if (this.current === undefined) throw new Error(`unexpected git log output before the first commit: ${JSON.stringify(text.slice(0, 80))}`);
    // git separates the header from the first entry with a newline.
    const entry = parseNumstat(text.startsWith('\n') ? text.slice(1) : text);
    if (entry.path === '') this.rename = { change: entry };
    else this.current.files.push(entry);
  }

  private renamePath(path: string): void {
    const rename = this.rename!;
    if (rename.previousPath === undefined) {
      rename.previousPath = path;
      return;
    }
    const { linesAdded, linesDeleted, binary } = rename.change;
    this.current!.files.push({ path, previousPath: rename.previousPath, linesAdded, linesDeleted, binary });
    this.rename = undefined;
  }

  private finishCurrent(completed: GitCommit[]): void {
    if (this.current === undefined) return;
    completed.push(this.current);
    this.completedCount += 1;
    this.current = undefined;
  }
}

function commitFromHeader(fields: string[]): GitCommit {
  const [hash, parents, authorName, authorEmail, authorDate, committerName, committerEmail, committerDate, subject, body] =
    fields as [string, string, string, string, string, string, string, string, string, string];
  return {
    hash,
    parents: parents === '' ? [] : parents.split(' '),
    author: { name: authorName, email: authorEmail, date: authorDate },
    committer: { name: committerName, email: committerEmail, date: committerDate },
    subject,
    message: body.replace(/\n+$/, ''),
    files: [],
  };
}

/** "added\tdeleted\tpath", "-\t-\tpath" for binary files; an empty path means old and new paths follow. */
function parseNumstat(text: string): FileChange {
  const firstTab = text.indexOf('\t');
  const secondTab = firstTab === -1 ? -1 : text.indexOf('\t', firstTab + 1);
  if (secondTab === -1) throw new Error(`unexpected numstat entry in git log output: ${JSON.stringify(text.slice(0, 80))}`);
  const added = text.slice(0, firstTab);
  const deleted = text.slice(firstTab + 1, secondTab);
  const path = text.slice(secondTab + 1);
  if (added === '-' && deleted === '-') return { path, linesAdded: 0, linesDeleted: 0, binary: true };
  return { path, linesAdded: count(added, text), linesDeleted: count(deleted, text), binary: false };
}

function count(digits: string, entry: string): number {
  if (!/^\d+$/.test(digits)) throw new Error(`unexpected numstat entry in git log output: ${JSON.stringify(entry.slice(0, 80))}`);
  return Number(digits);
}
