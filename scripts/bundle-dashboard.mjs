// Builds the dashboard's front end (packages/api/web) into packages/api/dist/web: one minified script
// with Observable Plot inside, one style sheet, and the small script that starts the page's request
// early. The server serves them at /assets, and `coherence report --format html` inlines the first two,
// so the page never loads anything from a CDN. Each is compressed here too (brotli at its slowest and
// best, gzip), once, for the server to send as the browser accepts.
// The front end is type-checked first (DOM types, its own tsconfig), since esbuild only strips types.

import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'packages/api/web');
const outdir = join(root, 'packages/api/dist/web');

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(web, 'tsconfig.json')], { stdio: 'inherit' });

mkdirSync(outdir, { recursive: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: {
    dashboard: 'packages/api/web/dashboard.ts',
    request: 'packages/api/web/request.ts',
    'dashboard-style': 'packages/api/web/dashboard.css',
  },
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
  const path = join(root, output.replace('dashboard-style.css', 'dashboard.css'));
  const text = readFileSync(path);
  const br = brotliCompressSync(text, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } });
  writeFileSync(`${path}.br`, br);
  writeFileSync(`${path}.gz`, gzipSync(text, { level: 9 }));
  const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
  process.stderr.write(`${path.slice(root.length + 1)}  ${kib(statSync(path).size)} (${kib(br.length)} brotli)\n`);
}
