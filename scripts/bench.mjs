// `pnpm bench [-- OPTIONS]`: the backfill benchmark (bench-track.mjs, which takes every option given),
// then the rescore benchmark (bench-rescore.mjs, which takes --runs and --contributions of its own).
// pnpm appends arguments to a script's last command only, so this runner hands them to each.

import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

// Every option goes to bench-track.mjs but --rescore-contributions, which is bench-rescore.mjs's
// --contributions; --runs goes to both.
const trackArgs = [];
const rescoreArgs = [];
const args = process.argv.slice(2);
for (let index = 0; index < args.length; index += 1) {
  const [name, inline] = args[index].split('=', 2);
  if (name === '--rescore-contributions') {
    rescoreArgs.push('--contributions', inline ?? args[(index += 1)]);
    continue;
  }
  trackArgs.push(args[index]);
  if (name === '--runs') rescoreArgs.push('--runs', inline ?? args[index + 1]);
}

for (const [script, scriptArgs] of [
  ['bench-track.mjs', trackArgs],
  ['bench-rescore.mjs', rescoreArgs],
]) {
  const result = spawnSync(process.execPath, [resolve(import.meta.dirname, script), ...scriptArgs], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
