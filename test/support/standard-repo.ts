// One repository holding every situation the history reader must get right, shared by all tests.

import { GitFixture, type Identity } from './fixture-repository.js';

export const STANDARD_PEOPLE = {
  alice: { name: 'Alice Liddell', email: 'alice@example.com' },
  /** Alice on another machine; .mailmap unifies her with `alice`. */
  aliceOldLaptop: { name: 'alice', email: 'alice@old-laptop.local' },
  bob: { name: 'Bob Builder', email: 'bob@example.com' },
  /** How Bob signs co-author trailers; .mailmap maps it to `bob`. */
  bobPersonal: { name: 'Bobby', email: 'bob@personal.example' },
  carol: { name: 'Carol Danvers', email: 'carol@example.org' },
  octocat: { name: 'The Octocat', email: '583231+octocat@users.noreply.github.com' },
  dependabot: { name: 'dependabot[bot]', email: '49699333+dependabot[bot]@users.noreply.github.com' },
} satisfies Record<string, Identity>;

export const STANDARD_MAILMAP = [
  'Alice Liddell <alice@example.com> <alice@old-laptop.local>',
  'Bob Builder <bob@example.com> <bob@personal.example>',
  '',
].join('\n');

/** File names git and our parser must keep exact: spaces, unicode, tab, newline, separator bytes. */
export const ODD_PATHS = {
  spaces: 'docs/read me please.md',
  unicode: 'docs/naïve café ☕.md',
  tab: 'docs/tab\there.txt',
  newline: 'docs/new\nline.txt',
  separators: 'docs/odd\x1fname\x1e.txt',
} as const;

export type StandardCommit =
  | 'initial'
  | 'aliceOldLaptop'
  | 'coAuthored'
  | 'binary'
  | 'oddNames'
  | 'rename'
  | 'featureStart'
  | 'featureFinish'
  | 'mainBeforeMerge'
  | 'merge'
  | 'dependabot'
  | 'empty'
  | 'deletion'
  | 'last';

export interface StandardRepo {
  fixture: GitFixture;
  dir: string;
  hashes: Record<StandardCommit, string>;
  /** Tagged `v0.1.0`: the rename commit. */
  tag: string;
  branch: string;
  featureBranch: string;
  cleanup(): void;
}

const lines = (count: number, prefix: string) => Array.from({ length: count }, (_, index) => `${prefix} line ${index + 1}`).join('\n') + '\n';
const MATH = lines(20, 'math');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0xff, 0x00, 0x01]);

/**
 * 13 commits on main plus 2 on a merged feature branch, dated 2024-01-01 to 2024-02-01 (UTC):
 * initial → aliceOldLaptop → coAuthored → binary → oddNames → rename (v0.1.0) → mainBeforeMerge
 * → merge (of featureStart → featureFinish, branched at rename) → dependabot → empty → deletion → last.
 */
export function buildStandardRepo(): StandardRepo {
  const { alice, aliceOldLaptop, bob, bobPersonal, carol, octocat, dependabot } = STANDARD_PEOPLE;
  const fixture = GitFixture.create({ prefix: 'coherence-standard-' });
  const commit = (date: string, spec: Parameters<GitFixture['commit']>[0]) => fixture.commit({ ...spec, date });
  const hashes = {} as Record<StandardCommit, string>;

  hashes.initial = commit('2024-01-01T09:00:00Z', {
    message: 'Initial commit',
    author: alice,
    files: {
      'README.md': '# Standard\n\nA repository for tests.\n',
      'src/index.ts': "export const version = '0.0.1';\n",
      'package.json': '{\n  "name": "standard",\n  "version": "0.0.1"\n}\n',
      'pnpm-lock.yaml': "lockfileVersion: '9.0'\n\npackages: {}\n",
      '.mailmap': STANDARD_MAILMAP,
    },
  });
  hashes.aliceOldLaptop = commit('2024-01-03T10:00:00Z', {
    message: 'Add math helpers',
    author: aliceOldLaptop,
    files: { 'src/math.ts': MATH, 'src/index.ts': "export const version = '0.0.1';\nexport * from './math.js';\n" },
  });
  hashes.coAuthored = commit('2024-01-05T12:30:00+02:00', {
    message: 'Add greeting\n\nPaired on this one at the café.',
    author: octocat,
    coAuthors: [carol, bobPersonal],
    files: { 'src/greet.ts': 'export function greet(name: string) {\n  return `hello ${name}`;\n}\n' },
  });
  hashes.binary = commit('2024-01-08T08:00:00-05:00', { message: 'Add logo', author: bob, files: { 'assets/logo.png': PNG } });
  hashes.oddNames = commit('2024-01-10T09:00:00Z', {
    message: 'Add docs with awkward names',
    author: alice,
    files: Object.fromEntries(Object.values(ODD_PATHS).map((path, index) => [path, lines(index + 1, 'doc')])),
  });
  hashes.rename = commit('2024-01-12T09:00:00Z', {
    message: 'Rename math to arithmetic',
    author: bob,
    renames: { 'src/math.ts': 'src/arithmetic.ts' },
    files: { 'src/arithmetic.ts': MATH.replace('math line 3\n', 'arithmetic line 3\n').replace('math line 9\n', 'arithmetic line 9\nextra line\n') },
  });
  fixture.tag('v0.1.0');

  fixture.branch('feature/login');
  hashes.featureStart = commit('2024-01-14T09:00:00Z', { message: 'Start login', author: carol, files: { 'src/login.ts': lines(5, 'login') } });
  hashes.featureFinish = commit('2024-01-15T09:00:00Z', { message: 'Finish login', author: carol, files: { 'src/login.ts': lines(8, 'login') } });
  fixture.checkout('main');
  hashes.mainBeforeMerge = commit('2024-01-16T09:00:00Z', {
    message: 'Describe the project',
    author: alice,
    files: { 'README.md': '# Standard\n\nA repository for tests, described.\n' },
  });
  hashes.merge = fixture.merge('feature/login', { message: "Merge branch 'feature/login'", author: alice, date: '2024-01-17T09:00:00Z' });

  hashes.dependabot = commit('2024-01-20T03:00:00Z', {
    message: 'Bump left-pad from 1.0.0 to 1.1.0\n\nSigned-off-by: dependabot[bot] <support@github.com>',
    author: dependabot,
    files: {
      'package.json': '{\n  "name": "standard",\n  "version": "0.0.1",\n  "dependencies": { "left-pad": "1.1.0" }\n}\n',
      'pnpm-lock.yaml': "lockfileVersion: '9.0'\n\npackages:\n  left-pad@1.1.0:\n    resolution: {integrity: sha512-x}\n",
    },
  });
  hashes.empty = commit('2024-01-22T09:00:00Z', { message: 'Trigger CI', author: bob });
  hashes.deletion = commit('2024-01-24T09:00:00Z', {
    message: 'Drop the tab file',
    author: octocat,
    files: { [ODD_PATHS.tab]: null, [ODD_PATHS.spaces]: lines(3, 'doc') },
  });
  hashes.last = commit('2024-02-01T09:00:00Z', {
    message: 'Bump version\n\nBody with odd bytes: \x1e and \x1f, unicode ✓.',
    author: alice,
    coAuthors: [bob],
    files: { 'src/index.ts': "export const version = '0.1.0';\nexport * from './arithmetic.js';\n" },
  });

  return {
    fixture,
    dir: fixture.dir,
    hashes,
    tag: 'v0.1.0',
    branch: 'main',
    featureBranch: 'feature/login',
    cleanup: () => fixture.cleanup(),
  };
}
