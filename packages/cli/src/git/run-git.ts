// Runs one short git command through simple-git and turns its failures into typed, user-facing errors.

import type { SimpleGit } from 'simple-git';
import { CoherenceError, errors } from '../errors.js';

/** The trimmed-right stdout of `git <args>`; a non-zero exit without stderr (e.g. `--verify --quiet`) gives "". */
export async function runGit(git: SimpleGit, args: string[]): Promise<string> {
  try {
    return await git.raw(args);
  } catch (error) {
    throw gitError(error, args[0] ?? 'git');
  }
}

export function gitError(error: unknown, command: string): CoherenceError {
  if (error instanceof CoherenceError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (isMissingBinary(error, message)) return errors.gitMissing();
  return errors.gitFailed(command, message);
}

function isMissingBinary(error: unknown, message: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || /\bspawn\b.*\bENOENT\b/.test(message);
}
