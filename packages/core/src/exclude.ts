// Which changed paths count toward cost. Generated and vendored files say little about effort.

import picomatch from 'picomatch';

/** Lockfiles, minified or bundled output, and vendored or built trees. */
export const DEFAULT_EXCLUDES: readonly string[] = [
  '**/package-lock.json',
  '**/npm-shrinkwrap.json',
  '**/pnpm-lock.yaml',
  '**/yarn.lock',
  '**/bun.lockb',
  '**/Cargo.lock',
  '**/go.sum',
  '**/poetry.lock',
  '**/Pipfile.lock',
  '**/composer.lock',
  '**/Gemfile.lock',
  '**/*.min.js',
  '**/*.min.css',
  '**/*.min.mjs',
  '**/*.bundle.js',
  '**/*.map',
  '**/dist/**',
  '**/vendor/**',
  '**/node_modules/**',
];

export interface ExcludeOptions {
  /** Extra globs from the user, matched against repository-relative paths. */
  globs?: readonly string[];
  /** Set false to drop DEFAULT_EXCLUDES and use only the user's globs. */
  useDefaults?: boolean;
}

export type PathFilter = (path: string) => boolean;

/** Builds a predicate that is true for paths that must not count toward cost. */
export function createExcludeMatcher(options: ExcludeOptions = {}): PathFilter {
  const globs = [...(options.useDefaults === false ? [] : DEFAULT_EXCLUDES), ...(options.globs ?? [])];
  if (globs.length === 0) return () => false;
  const isMatch = picomatch(globs as string[], { dot: true });
  // The same paths change over and over in a history; each glob is a regular expression to run.
  const seen = new Map<string, boolean>();
  return (path) => {
    let excluded = seen.get(path);
    if (excluded === undefined) {
      excluded = isMatch(path);
      if (seen.size >= MEMO_PATHS) seen.clear();
      seen.set(path, excluded);
    }
    return excluded;
  };
}

/** Paths remembered per matcher: bounded, since a run may see any number of distinct paths. */
const MEMO_PATHS = 20_000;

/** Invalid user globs are reported before any work starts. */
export function invalidGlob(glob: string): string | undefined {
  if (glob.trim() === '') return 'an exclude glob cannot be empty';
  try {
    picomatch.makeRe(glob);
    return undefined;
  } catch (error) {
    return `invalid exclude glob "${glob}": ${(error as Error).message}`;
  }
}
