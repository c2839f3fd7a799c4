// `coherence track`: record a range of git history (the whole of it by default) as contributions.

import type { Command } from 'commander';
import type { Shard } from '@coherence/core';
import { repositoriesIn, type FoundRepository } from '../git/repositories-in.js';
import { createProgressBar } from '../output/progress.js';
import { repositoriesAsJson, repositoryLine, totalLine } from '../output/repositories-summary.js';
import { canShowProgress } from '../output/terminal.js';
import { summaryAsJson, summaryAsText } from '../output/track-summary.js';
import { DryRunSink } from '../sinks/dry-run-sink.js';
import type { ContributionSink } from '../sinks/sink.js';
import { openSqliteSink } from '../sinks/sqlite-sink.js';
import { trackHistory, type TrackOptions } from '../track/track-history.js';
import { totalsOf, trackRepositories } from '../track/track-repositories.js';
import { errors } from '../errors.js';
import { apiTarget, collect, collectGlob, databasePath, httpUrl, positiveInteger, repositoryName, shard, spoolPath } from './options.js';

export interface TrackCommandOptions {
  /** Each --repo given; none means the current directory (unless --repos-in). */
  repo: string[];
  reposIn?: string;
  shard?: Shard;
  since?: string;
  until?: string;
  branch?: string;
  db?: string;
  repository?: string;
  exclude: string[];
  defaultExcludes: boolean;
  bot: string[];
  includeMerges: boolean;
  includeBots: boolean;
  dryRun: boolean;
  json: boolean;
  jobs?: number;
  apiUrl?: string;
  apiKey?: string;
  spool?: string;
}

export function registerTrack(program: Command): void {
  program
    .command('track')
    .description('record commits as contributions (the whole history unless --since is given)')
    .option('--repo <dir>', 'a git repository to read (repeatable; default: the current directory)', collect, [])
    .option('--repos-in <dir>', 'read every repository in this folder (each clone directly inside it)')
    .option('--shard <K/N>', 'record only the K-th of N equal parts of the range (N runs together record all of it)', shard)
    .option('--since <date|ref>', 'start after this commit, or at this date (ISO 8601, "2 weeks ago", "yesterday")')
    .option('--until <date|ref>', 'stop at this commit, or before this date')
    .option('--branch <ref>', 'the branch or ref to walk (default HEAD)')
    .option('--db <file>', 'SQLite database to write (default $COHERENCE_DB or .coherence/coherence.db)')
    .option('--repository <owner/name>', 'name to record the repository under (default: from the origin remote)', repositoryName)
    .option('--exclude <glob>', 'leave matching paths out of cost (repeatable)', collectGlob, [])
    .option('--no-default-excludes', 'count lockfiles, minified files, dist/, vendor/ and node_modules/ too')
    .option('--bot <name|email>', 'treat this identity as a bot (repeatable)', collect, [])
    .option('--include-merges', 'credit merge commits, diffed against their first parent', false)
    .option('--include-bots', 'credit bot commits (dependabot, renovate, [bot] accounts …)', false)
    .option('--dry-run', 'compute everything, store nothing', false)
    .option('--json', 'print one JSON summary on stdout instead of the human summary', false)
    .option('--jobs <n>', 'parallel git readers (default: one per core)', positiveInteger)
    .option('--api-url <url>', 'post to this Coherence API instead of a local database (or $COHERENCE_API_URL)', httpUrl)
    .option('--api-key <key>', 'API key for --api-url (or $COHERENCE_API_KEY)')
    .option('--spool <file>', 'where contributions the API cannot take yet are kept (default .coherence/spool.ndjson)')
    .action(async (options: TrackCommandOptions) => {
      process.exitCode = await runTrack(options);
    });
}

export async function runTrack(options: TrackCommandOptions): Promise<number> {
  const repositories = [...(options.reposIn === undefined ? [] : repositoriesIn(options.reposIn)), ...options.repo.map((dir) => ({ dir }))];
  if (options.reposIn === undefined && repositories.length <= 1) return trackOne(options, repositories[0]?.dir ?? '.');
  if (options.repository !== undefined) throw errors.badOption('--repository', 'names one repository, so it cannot be used with several (--repos-in or more than one --repo)');
  return trackMany(options, repositories);
}

function trackOptionsOf(options: TrackCommandOptions, repoDir: string): TrackOptions {
  return {
    repoDir,
    ...(options.since === undefined ? {} : { since: options.since }),
    ...(options.until === undefined ? {} : { until: options.until }),
    ...(options.branch === undefined ? {} : { branch: options.branch }),
    ...(options.repository === undefined ? {} : { repository: options.repository }),
    ...(options.jobs === undefined ? {} : { jobs: options.jobs }),
    includeMerges: options.includeMerges,
    includeBots: options.includeBots,
    extraBots: options.bot,
    excludes: options.exclude,
    useDefaultExcludes: options.defaultExcludes,
    ...(options.shard === undefined ? {} : { shard: options.shard }),
  };
}

async function trackOne(options: TrackCommandOptions, repoDir: string): Promise<number> {
  const trackOptions = trackOptionsOf(options, repoDir);
  const progress = canShowProgress(options.json) ? createProgressBar('tracking') : undefined;
  // The sink opens lazily, after git has accepted the range, so a bad --since never creates a database.
  const sink = new LazySink(() => openSink(options));
  try {
    const summary = await trackHistory(trackOptions, sink, progress ? { onProgress: (state) => progress.update(state) } : {});
    progress?.stop();
    if (options.json) {
      process.stdout.write(`${JSON.stringify(summaryAsJson(summary, { dry_run: options.dryRun, peak_rss_bytes: peakRssBytes() }))}\n`);
    } else {
      process.stderr.write(`${summaryAsText(summary, options.dryRun)}\n`);
    }
    return summary.pending > 0 ? 1 : 0;
  } finally {
    progress?.stop();
    await sink.close();
  }
}

/** Each repository in turn into one sink: a line per repository as it finishes, then the total. */
async function trackMany(options: TrackCommandOptions, repositories: readonly FoundRepository[]): Promise<number> {
  if (repositories.length === 0) throw errors.badOption('--repos-in', `${options.reposIn} holds no repositories`);
  const showProgress = canShowProgress(options.json);
  let progress: ReturnType<typeof createProgressBar> | undefined;
  const sink = new LazySink(() => openSink(options));
  try {
    const runs = await trackRepositories(repositories, trackOptionsOf(options, '.'), sink, {
      forRepository: (dir) => {
        if (!showProgress) return {};
        const bar = (progress = createProgressBar(dir));
        return { onProgress: (state) => bar.update(state) };
      },
      onDone: (run) => {
        progress?.stop();
        if (!options.json) process.stderr.write(`${repositoryLine(run)}\n`);
      },
    });
    const totals = totalsOf(runs);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(repositoriesAsJson(runs, totals, { dry_run: options.dryRun, peak_rss_bytes: peakRssBytes() }))}\n`);
    } else {
      process.stderr.write(`${totalLine(totals, sink.target, options.dryRun)}\n`);
    }
    return totals.failed > 0 || totals.pending > 0 ? 1 : 0;
  } finally {
    progress?.stop();
    await sink.close();
  }
}

async function openSink(options: TrackCommandOptions): Promise<ContributionSink> {
  if (options.dryRun) return new DryRunSink();
  const api = apiTarget(options);
  if (api === undefined) return openSqliteSink(databasePath(options.db));
  // Loaded on demand, so local runs never load the HTTP client.
  const { ApiSink } = await import('../sinks/api-sink.js');
  return new ApiSink({ ...api, spoolPath: spoolPath(options.spool) });
}

/** Peak resident memory of this process (git's own processes are not included). */
function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/** Defers opening the real sink until it is first needed. */
class LazySink implements ContributionSink {
  /** Kept as a promise: the first calls come side by side, and must open one sink between them. */
  #sink: Promise<ContributionSink> | undefined;
  batchSize = 10_000;
  target = 'pending';

  constructor(private readonly open: () => Promise<ContributionSink>) {}

  #get(): Promise<ContributionSink> {
    this.#sink ??= this.open().then((sink) => {
      this.batchSize = sink.batchSize;
      this.target = sink.target;
      return sink;
    });
    return this.#sink;
  }

  async knownCommits(repository: string, settings: string) {
    return (await this.#get()).knownCommits(repository, settings);
  }

  async mergedPeople() {
    return (await this.#get()).mergedPeople();
  }

  async write(...args: Parameters<ContributionSink['write']>) {
    return (await this.#get()).write(...args);
  }

  async close() {
    // A sink that failed to open has nothing to close (its error is already the run's).
    const sink = await this.#sink?.catch(() => undefined);
    await sink?.close();
  }
}
