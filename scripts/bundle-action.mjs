// Bundles the GitHub Action (packages/action) from its TypeScript sources into one ESM file, dist/index.js,
// that runs on the runner's Node with no node_modules. The output is committed, so it must be byte-for-byte
// the same on every machine: no timestamps, no absolute paths, no source map.

import { build } from 'esbuild';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist');

// Only the bundle lives in dist/: anything else there would be committed by mistake.
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

const result = await build({
  // Relative paths everywhere: esbuild names modules in comments relative to absWorkingDir.
  absWorkingDir: root,
  entryPoints: ['packages/action/src/index.ts'],
  outfile: 'dist/index.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // Workspace packages resolve to their TypeScript sources (the "source" export condition): no tsc needed first.
  conditions: ['source'],
  mainFields: ['module', 'main'],
  // The native SQLite driver and PostgreSQL are never on the Action's path (it only posts to the API);
  // the CLI loads them with a dynamic import that stays unresolved here.
  external: ['@coherence/api/sqlite', '@coherence/api/postgres', 'better-sqlite3', 'pg'],
  // CommonJS dependencies (undici, simple-git …) call require() for Node built-ins.
  banner: {
    js: [
      '// The Coherence GitHub Action, bundled by scripts/bundle-action.mjs: do not edit, run `pnpm build:action`.',
      "import { createRequire as __coherenceCreateRequire } from 'node:module';",
      'const require = __coherenceCreateRequire(import.meta.url);',
    ].join('\n'),
  },
  legalComments: 'eof',
  charset: 'utf8',
  sourcemap: false,
  minify: false,
  treeShaking: true,
  logLevel: 'warning',
  metafile: true,
});

for (const output of Object.keys(result.metafile.outputs)) {
  const bytes = statSync(join(root, output)).size;
  process.stderr.write(`${output}  ${(bytes / 1024).toFixed(0)} KiB\n`);
}
const stray = readdirSync(outdir).filter((name) => name !== 'index.js');
if (stray.length > 0) throw new Error(`unexpected files in dist/: ${stray.join(', ')}`);
