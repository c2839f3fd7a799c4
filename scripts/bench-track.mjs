// `pnpm bench`: how fast `coherence track` backfills a large history, against git's own `git log --numstat`
// on the same repository, and how much memory the coherence process itself needs; then what sharding
// costs: N shards (`--shard K/N`) run one after another against the one run.
// Usage: pnpm bench [-- --commits 20000 --runs 3 --repo DIR --shards 2,4 --packed]

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateHistory } from './generate-history.mjs';

const { values } = parseArgs({
  options: {
    commits: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '3' },
    repo: { type: 'string' },
    shards: { type: 'string', default: '2,4' },
    packed: { type: 'boolean', default: false },
  },
});
const shardCounts = values.shards.split(',').map((count) => Number(count.trim())).filter((count) => Number.isInteger(count) && count > 1);
const commits = Number(values.commits);
const runs = Number(values.runs);
const cli = resolve(import.meta.dirname, '../packages/cli/dist/cli.js');

// The generated repository is cached between runs: generating 20,000 commits takes about a minute.
// --packed reads it repacked as a clone holds it (see generate-history.mjs).
const repo = values.repo ?? join(tmpdir(), `coherence-bench-${commits}${values.packed ? '-packed' : ''}`);
if (!existsSync(join(repo, '.git'))) {
  process.stderr.write(`generating ${commits.toLocaleString('en-US')} commits in ${repo} …\n`);
  await generateHistory(repo, commits, 42, { packed: values.packed });
}

/**
 * CPU seconds (user + system) of every finished child of this process and of their own children: on a busy
 * machine wall times swing with other work, while the CPU a run needs does not.
 */
function childrenCpuSeconds() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    // cutime and cstime are fields 16 and 17 of the line, counted in 1/100 s (USER_HZ).
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Runs a command to completion, timing it (wall and CPU) and sampling the peak RSS of its git descendants. */
function timed(command, args, options = {}) {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const cpuBefore = childrenCpuSeconds();
    const child = spawn(command, args, { stdio: ['ignore', options.capture ? 'pipe' : 'ignore', 'inherit'], ...options });
    let stdout = '';
    child.stdout?.on('data', (chunk) => (stdout += chunk));
    let gitPeakKb = 0;
    const sampler = setInterval(() => {
      for (const pid of descendants(child.pid)) gitPeakKb = Math.max(gitPeakKb, peakRssKb(pid, 'git'));
    }, 20);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(sampler);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const cpuSeconds = childrenCpuSeconds() - cpuBefore;
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} exited ${code}`));
      else resolvePromise({ seconds, cpuSeconds, stdout, gitPeakKb });
    });
  });
}

function descendants(pid) {
  const found = [];
  const queue = [pid];
  while (queue.length) {
    const parent = queue.shift();
    let children = '';
    try {
      children = readFileSync(`/proc/${parent}/task/${parent}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const child of children.split(' ').filter(Boolean).map(Number)) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function peakRssKb(pid, name) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    if (!status.startsWith(`Name:\t${name}`)) return 0;
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const gitTimes = [];
const trackTimes = [];
const trackCpu = [];
const rss = [];
const gitRss = [];
/** Per shard count, per run: the shards' wall and CPU times added up. */
const shardSums = new Map(shardCounts.map((count) => [count, []]));
const shardCpuSums = new Map(shardCounts.map((count) => [count, []]));
for (let run = 0; run < runs; run += 1) {
  const git = await timed('git', ['-C', repo, 'log', '--numstat']);
  gitTimes.push(git.seconds);
  const dir = mkdtempSync(join(tmpdir(), 'coherence-bench-db-'));
  const track = await timed(process.execPath, [cli, 'track', '--repo', repo, '--db', join(dir, 'bench.db'), '--json'], { capture: true });
  const summary = JSON.parse(track.stdout);
  trackTimes.push(track.seconds);
  trackCpu.push(track.cpuSeconds);
  rss.push(summary.peak_rss_bytes / 2 ** 20);
  gitRss.push(track.gitPeakKb / 1024);
  rmSync(dir, { recursive: true, force: true });
  process.stderr.write(
    `run ${run + 1}/${runs}: git log --numstat ${git.seconds.toFixed(2)} s, coherence track ${track.seconds.toFixed(2)} s ` +
      `(${summary.contributions.toLocaleString('en-US')} contributions), ratio ${(track.seconds / git.seconds).toFixed(2)}\n`,
  );
  // The shards of each N in turn into one fresh database, as N machines would run them but one at a time.
  for (const count of shardCounts) {
    const shardDir = mkdtempSync(join(tmpdir(), 'coherence-bench-db-'));
    const times = [];
    let cpu = 0;
    let contributions = 0;
    for (let index = 1; index <= count; index += 1) {
      const shard = await timed(process.execPath, [cli, 'track', '--repo', repo, '--db', join(shardDir, 'bench.db'), '--json', '--shard', `${index}/${count}`], { capture: true });
      times.push(shard.seconds);
      cpu += shard.cpuSeconds;
      contributions += JSON.parse(shard.stdout).contributions;
    }
    rmSync(shardDir, { recursive: true, force: true });
    if (contributions !== summary.contributions) throw new Error(`${count} shards stored ${contributions} contributions, one run ${summary.contributions}`);
    const sum = times.reduce((total, seconds) => total + seconds, 0);
    shardSums.get(count).push(sum);
    shardCpuSums.get(count).push(cpu);
    process.stderr.write(
      `run ${run + 1}/${runs}: ${count} shards ${times.map((seconds) => seconds.toFixed(2)).join(' + ')} = ${sum.toFixed(2)} s, ` +
        `${(sum / track.seconds).toFixed(2)} × the one run (${track.seconds.toFixed(2)} s); CPU ${cpu.toFixed(2)} s, ` +
        `${(cpu / track.cpuSeconds).toFixed(2)} × the one run's (${track.cpuSeconds.toFixed(2)} s)\n`,
    );
  }
}

const gitSeconds = median(gitTimes);
const trackSeconds = median(trackTimes);
const trackCpuSeconds = median(trackCpu);
const report = {
  repository: repo,
  commits,
  cores: (await import('node:os')).availableParallelism(),
  runs,
  git_log_numstat_s: Number(gitSeconds.toFixed(2)),
  coherence_track_s: Number(trackSeconds.toFixed(2)),
  ratio: Number((trackSeconds / gitSeconds).toFixed(2)),
  coherence_peak_rss_mb: Number(Math.max(...rss).toFixed(1)),
  git_reader_peak_rss_mb: Number(Math.max(...gitRss).toFixed(1)),
  shards: Object.fromEntries(
    [...shardSums].map(([count, sums]) => {
      const cpu = median(shardCpuSums.get(count));
      return [
        count,
        {
          sum_s: Number(median(sums).toFixed(2)),
          ratio: Number((median(sums) / trackSeconds).toFixed(2)),
          cpu_sum_s: Number(cpu.toFixed(2)),
          cpu_ratio: Number((cpu / trackCpuSeconds).toFixed(2)),
        },
      ];
    }),
  ),
};
console.log(`
git log --numstat          ${report.git_log_numstat_s} s   (median of ${runs})
coherence track (fresh db) ${report.coherence_track_s} s   (median of ${runs})
ratio                      ${report.ratio}   (bar: ≤ 0.75)
coherence peak RSS         ${report.coherence_peak_rss_mb} MB   (bar: ≤ 150 MB)
git readers' peak RSS      ${report.git_reader_peak_rss_mb} MB   (each, sampled)
${Object.entries(report.shards)
  .map(
    ([count, { sum_s, ratio, cpu_sum_s, cpu_ratio }]) =>
      `${count} shards, one after another ${sum_s} s = ${ratio} × the one run   (median of ${runs}; bar: ≤ 1.1)\n` +
      `  their CPU time            ${cpu_sum_s} s = ${cpu_ratio} × the one run's (${Number(trackCpuSeconds.toFixed(2))} s)`,
  )
  .join('\n')}
`);
console.log(JSON.stringify(report));
