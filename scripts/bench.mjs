// `pnpm bench [-- OPTIONS]`: the backfill benchmark (bench-track.mjs, which takes every option given),
// then the rescore benchmark (bench-rescore.mjs, which takes --runs and --contributions of its own).
// pnpm appends arguments to a script's last command only, so this runner hands them to each.

import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const args = process.argv.slice(2);
/** The values of the options bench-rescore.mjs understands, as given. */
function rescoreArgs() {
  const picked = [];
  for (let index = 0; index < args.length; index += 1) {
    const [name, inline] = args[index].split('=', 2);
    if (name !== '--runs' && name !== '--rescore-contributions') continue;
    const value = inline ?? args[(index += 1)];
    picked.push(name === '--runs' ? '--runs' : '--contributions', value);
  }
  return picked;
}

for (const [script, scriptArgs] of [
  ['bench-track.mjs', args.filter((arg, index) => !arg.startsWith('--rescore-contributions') && args[index - 1] !== '--rescore-contributions')],
  ['bench-rescore.mjs', rescoreArgs()],
]) {
  const result = spawnSync(process.execPath, [resolve(import.meta.dirname, script), ...scriptArgs], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
