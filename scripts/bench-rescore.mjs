// `pnpm bench` (after the track benchmark): how fast `coherence rescore` brings stored contributions of
// the previous model versions to the current ones in SQLite. Bar: ≥ 100,000 contributions/s.
// Usage: node scripts/bench-rescore.mjs [--contributions 200000] [--runs 3]

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { contributions: { type: 'string', default: '200000' }, runs: { type: 'string', default: '3' } } });
const total = Number(values.contributions);
const runs = Number(values.runs);
const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'packages/cli/dist/cli.js');
const { contributionsForCommit, previousModelScores } = await import(join(root, 'packages/core/dist/index.js'));
const { openSqliteStore } = await import(join(root, 'packages/api/dist/index.js'));

// The seeded database is cached between runs: writing 200,000 rows takes a while.
const seeded = join(tmpdir(), `coherence-bench-rescore-${total}.db`);
if (!existsSync(seeded)) {
  process.stderr.write(`seeding ${total.toLocaleString('en-US')} contributions of the previous model versions in ${seeded} …\n`);
  const store = openSqliteStore(`${seeded}.partial`);
  const people = Array.from({ length: 40 }, (_, index) => ({ name: `Person ${index}`, email: `person${index}@example.com` }));
  let written = 0;
  for (let n = 0; written < total; n += 1) {
    const records = [];
    for (let index = 0; index < 1000 && written + records.length < total; index += 1) {
      const number = n * 1000 + index;
      const author = people[number % people.length];
      const coAuthored = number % 4 === 0;
      const date = new Date(Date.UTC(2020, 0, 1) + number * 60_000).toISOString();
      const commit = {
        hash: createHash('sha1').update(`commit ${number}`).digest('hex'),
        parents: [],
        author: { ...author, date },
        committer: { ...author, date },
        subject: `Change ${number}`,
        message: coAuthored ? `Change ${number}\n\nCo-authored-by: ${people[(number + 7) % people.length].name} <${people[(number + 7) % people.length].email}>\n` : `Change ${number}`,
        files: Array.from({ length: 1 + (number % 4) }, (_, file) => ({
          path: file === 1 ? `test/module-${number % 97}.test.ts` : file === 2 ? `docs/page-${number % 13}.md` : `src/module-${(number + file) % 211}.ts`,
          linesAdded: (number * 37 + file * 11) % (number % 50 === 0 ? 9000 : 300),
          linesDeleted: (number * 13 + file) % 40,
          binary: false,
        })),
      };
      for (const record of contributionsForCommit(commit, `octo/repo-${number % 5}`)) records.push({ ...record, ...previousModelScores(record.meta) });
    }
    await store.ingestIds(records);
    written += records.length;
  }
  await store.close();
  copyFileSync(`${seeded}.partial`, seeded);
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${seeded}.partial${suffix}`, { force: true });
}

function timed(args) {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`coherence ${args.join(' ')} exited ${code}`));
      else resolvePromise({ seconds: Number(process.hrtime.bigint() - started) / 1e9, summary: JSON.parse(stdout) });
    });
  });
}

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const rates = [];
const cpuRates = [];
const reruns = [];
const loads = [];
for (let run = 0; run < runs; run += 1) {
  const dir = mkdtempSync(join(tmpdir(), 'coherence-bench-rescore-'));
  const db = join(dir, 'coherence.db');
  copyFileSync(seeded, db);
  loads.push(loadavg()[0]);
  const first = await timed(['rescore', '--db', db, '--json']);
  if (first.summary.rescored !== total) throw new Error(`rescored ${first.summary.rescored} of ${total}`);
  const again = await timed(['rescore', '--db', db, '--json']);
  if (again.summary.rescored !== 0) throw new Error('a second run rescored rows again');
  rmSync(dir, { recursive: true, force: true });
  rates.push(total / (first.summary.elapsed_ms / 1000));
  cpuRates.push(total / (first.summary.cpu_ms / 1000));
  reruns.push(again.seconds);
  process.stderr.write(
    `run ${run + 1}/${runs}: rescored ${total.toLocaleString('en-US')} in ${first.seconds.toFixed(2)} s ` +
      `(${Math.round(rates[run]).toLocaleString('en-US')}/s in the command, ${Math.round(cpuRates[run]).toLocaleString('en-US')}/s of its CPU time), nothing-to-do rerun ${again.seconds.toFixed(2)} s, load average ${loads[run].toFixed(1)}\n`,
  );
}

const report = {
  contributions: total,
  runs,
  cores: (await import('node:os')).availableParallelism(),
  rescored_per_s: Math.round(median(rates)),
  rescored_per_cpu_s: Math.round(median(cpuRates)),
  rerun_s: Number(median(reruns).toFixed(2)),
  load_average: Number(median(loads).toFixed(1)),
};
console.log(`
coherence rescore (SQLite)  ${report.rescored_per_s.toLocaleString('en-US')} contributions/s   (median of ${runs}, process start excluded; bar: ≥ 100,000/s)
  per second of its CPU     ${report.rescored_per_cpu_s.toLocaleString('en-US')} contributions   (its own CPU time, less sensitive to a busy machine)
second run, nothing to do   ${report.rerun_s} s
load average at the start   ${report.load_average} on ${report.cores} cores
`);
console.log(JSON.stringify(report));
