// The clones in a folder, for `track --repos-in DIR`: each folder directly inside it, in name order.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { errors } from '../errors.js';

export interface FoundRepository {
  dir: string;
  /** Set when the folder is no repository of its own: reported as a failure, never read. */
  problem?: string;
}

/**
 * A folder counts when it is a clone (has `.git`) or a bare repository (HEAD, objects/, refs/).
 * Any other folder is reported rather than handed to git, which would find and read an enclosing
 * repository instead. Hidden folders and plain files are not candidates.
 */
export function repositoriesIn(folder: string): FoundRepository[] {
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw errors.badOption('--repos-in', code === 'ENOENT' ? `${folder} does not exist` : code === 'ENOTDIR' ? `${folder} is not a folder` : `cannot read ${folder}`);
  }
  return entries
    .filter((entry) => !entry.name.startsWith('.') && (entry.isDirectory() || (entry.isSymbolicLink() && isFolder(join(folder, entry.name)))))
    .map((entry) => join(folder, entry.name))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((dir) => (isRepository(dir) ? { dir } : { dir, problem: errors.notAGitRepository(dir).message }));
}

function isRepository(dir: string): boolean {
  if (existsSync(join(dir, '.git'))) return true;
  return existsSync(join(dir, 'HEAD')) && existsSync(join(dir, 'objects')) && existsSync(join(dir, 'refs'));
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
