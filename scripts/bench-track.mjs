// `pnpm bench`: how fast `coherence track` backfills a large history, against git's own `git log --numstat`
// on the same repository, and how much memory the coherence process itself needs.
// Usage: pnpm bench [-- --commits 20000 --runs 3 --repo DIR]

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
  },
});
const commits = Number(values.commits);
const runs = Number(values.runs);
const cli = resolve(import.meta.dirname, '../packages/cli/dist/cli.js');

// The generated repository is cached between runs: generating 20,000 commits takes about a minute.
const repo = values.repo ?? join(tmpdir(), `coherence-bench-${commits}`);
if (!existsSync(join(repo, '.git'))) {
  process.stderr.write(`generating ${commits.toLocaleString('en-US')} commits in ${repo} …\n`);
  await generateHistory(repo, commits);
}

/** Runs a command to completion, timing it and sampling the peak RSS of its git descendants. */
function timed(command, args, options = {}) {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
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
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} exited ${code}`));
      else resolvePromise({ seconds, stdout, gitPeakKb });
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
const rss = [];
const gitRss = [];
for (let run = 0; run < runs; run += 1) {
  const git = await timed('git', ['-C', repo, 'log', '--numstat']);
  gitTimes.push(git.seconds);
  const dir = mkdtempSync(join(tmpdir(), 'coherence-bench-db-'));
  const track = await timed(process.execPath, [cli, 'track', '--repo', repo, '--db', join(dir, 'bench.db'), '--json'], { capture: true });
  const summary = JSON.parse(track.stdout);
  trackTimes.push(track.seconds);
  rss.push(summary.peak_rss_bytes / 2 ** 20);
  gitRss.push(track.gitPeakKb / 1024);
  rmSync(dir, { recursive: true, force: true });
  process.stderr.write(
    `run ${run + 1}/${runs}: git log --numstat ${git.seconds.toFixed(2)} s, coherence track ${track.seconds.toFixed(2)} s ` +
      `(${summary.contributions.toLocaleString('en-US')} contributions), ratio ${(track.seconds / git.seconds).toFixed(2)}\n`,
  );
}

const gitSeconds = median(gitTimes);
const trackSeconds = median(trackTimes);
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
};
console.log(`
git log --numstat          ${report.git_log_numstat_s} s   (median of ${runs})
coherence track (fresh db) ${report.coherence_track_s} s   (median of ${runs})
ratio                      ${report.ratio}   (bar: ≤ 0.75)
coherence peak RSS         ${report.coherence_peak_rss_mb} MB   (bar: ≤ 150 MB)
git readers' peak RSS      ${report.git_reader_peak_rss_mb} MB   (each, sampled)
`);
console.log(JSON.stringify(report));
