// Builds the dashboard's front end (packages/api/web) into packages/api/dist/web: one minified script
// with Observable Plot inside, and one style sheet. The server serves them at /assets, and
// `coherence report --format html` inlines them, so the page never loads anything from a CDN.
// The front end is type-checked first (DOM types, its own tsconfig), since esbuild only strips types.

import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'packages/api/web');
const outdir = join(root, 'packages/api/dist/web');

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(web, 'tsconfig.json')], { stdio: 'inherit' });

mkdirSync(outdir, { recursive: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { dashboard: 'packages/api/web/dashboard.ts', 'dashboard-style': 'packages/api/web/dashboard.css' },
  outdir: 'packages/api/dist/web',
  entryNames: '[name]',
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  minify: true,
  legalComments: 'eof',
  charset: 'utf8',
  sourcemap: false,
  logLevel: 'warning',
  metafile: true,
});

// Two entries may not share a name, so the style sheet is built as dashboard-style.css and renamed.
renameSync(join(outdir, 'dashboard-style.css'), join(outdir, 'dashboard.css'));
for (const output of Object.keys(result.metafile.outputs)) {
  const path = output.replace('dashboard-style.css', 'dashboard.css');
  process.stderr.write(`${path}  ${(statSync(join(root, path)).size / 1024).toFixed(0)} KiB\n`);
}
