// The Action: work out what the event added to the history, credit it with the CLI's trackHistory, post
// it to the Coherence API (or print it on a dry run), and report through outputs and the job summary.

import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import {
  ApiSink,
  DryRunSink,
  isCoherenceError,
  redact,
  registerSecret,
  summaryAsText,
  trackHistory,
  type ContributionSink,
  type TrackOptions,
  type TrackSummary,
} from '@coherence/cli';
import { toPayload, type ContributionRecord } from '@coherence/core';
import { actionErrors } from './errors.js';
import { readEvent } from './event.js';
import { Git } from './git.js';
import { readInputs, type ActionInputs } from './inputs.js';
import { writeJobSummary, writeSkippedSummary } from './job-summary.js';
import { setOutputs } from './outputs.js';
import { planRange } from './plan.js';
import { RunTotals } from './run-totals.js';

const ISSUES_URL = 'https://github.com/coherence-dev/coherence/issues';

export async function run(): Promise<void> {
  try {
    await record();
  } catch (error) {
    reportFailure(error);
  }
}

async function record(): Promise<void> {
  const inputs = readInputs();
  registerSecret(inputs.apiKey);
  const api = inputs.apiUrl !== undefined && inputs.apiKey !== undefined ? { url: inputs.apiUrl, apiKey: inputs.apiKey } : undefined;
  if (!inputs.dryRun && api === undefined) {
    const missing = [inputs.apiUrl === undefined ? 'api-url' : undefined, inputs.apiKey === undefined ? 'api-key' : undefined].filter(Boolean).join(' and ');
    await skip(`${missing} ${missing.includes(' and ') ? 'are' : 'is'} not set (workflows from forks get no secrets), so nothing was posted`);
    return;
  }

  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const git = new Git(workspace, (line) => core.debug(line));
  if (!existsSync(workspace) || !(await git.exec(['rev-parse', '--git-dir'])).ok) throw actionErrors.notCheckedOut(workspace);

  const plan = await planRange(git, readEvent(), inputs);
  if (plan.kind === 'skip') {
    await skip(plan.reason);
    return;
  }
  const description = inputs.shard === undefined ? plan.description : `${plan.description}, shard ${inputs.shard.index}/${inputs.shard.count}`;
  core.info(`Coherence: recording ${description}`);

  const spoolPath = join(process.env.RUNNER_TEMP || tmpdir(), 'coherence-spool.ndjson');
  const sink: ContributionSink = inputs.dryRun || api === undefined ? new DryRunSink() : new ApiSink({ ...api, spoolPath });
  const totals = new RunTotals();
  const payloadLog = inputs.dryRun ? new UntrustedLog('Contributions that would be posted (dry run)') : undefined;
  let summary: TrackSummary;
  try {
    summary = await trackHistory(trackOptions(inputs, workspace, plan), sink, {
      onRecords: (records: readonly ContributionRecord[]) => {
        totals.add(records);
        payloadLog?.write(records.map((record) => JSON.stringify(toPayload(record))).join('\n'));
      },
    });
  } catch (error) {
    if (isCoherenceError(error) && error.code === 'EEMPTYRANGE') {
      const merges = !inputs.includeMerges && plan.until !== undefined ? await git.countMerges(plan.until, plan.since) : 0;
      await skip(`${error.message}${merges > 0 ? ' (only merge commits, which are recorded with include-merges: true)' : ''}`);
      return;
    }
    throw error;
  } finally {
    payloadLog?.close();
    await sink.close();
  }

  new UntrustedLog().write(summaryAsText(summary, inputs.dryRun));
  setOutputs(summary);
  await writeJobSummary(summary, totals, { description, dryRun: inputs.dryRun, spoolPath });
  if (summary.pending > 0) {
    const message =
      `${summary.pending} contribution(s) could not be posted to the API and were kept in ${spoolPath}` +
      ' (send them later with "coherence flush", or re-run this workflow: posting is idempotent)';
    if (inputs.failOnError) core.setFailed(message);
    else core.warning(message);
  }
}

function trackOptions(inputs: ActionInputs, repoDir: string, plan: { since?: string; until?: string }): TrackOptions {
  return {
    repoDir,
    ...(plan.since === undefined ? {} : { since: plan.since }),
    ...(plan.until === undefined ? {} : { until: plan.until }),
    ...(inputs.repository === undefined ? {} : { repository: inputs.repository }),
    includeMerges: inputs.includeMerges,
    includeBots: inputs.includeBots,
    extraBots: [],
    excludes: inputs.excludes,
    useDefaultExcludes: true,
    ...(inputs.shard === undefined ? {} : { shard: inputs.shard }),
  };
}

async function skip(reason: string): Promise<void> {
  core.notice(`Coherence: nothing recorded: ${reason}`);
  setOutputs(undefined);
  await writeSkippedSummary(reason);
}

/**
 * Prints text that comes from commits (names, messages) with workflow commands switched off, so a commit
 * cannot smuggle a "::command::" into the log; optionally inside a collapsed group.
 */
class UntrustedLog {
  readonly #token = randomUUID();
  #open = false;

  constructor(private readonly group?: string) {}

  write(text: string): void {
    if (text === '') return;
    if (!this.#open) {
      if (this.group) core.startGroup(this.group);
      core.info(`::stop-commands::${this.#token}`);
      this.#open = true;
    }
    core.info(text);
    if (!this.group) this.close();
  }

  close(): void {
    if (!this.#open) return;
    core.info(`::${this.#token}::`);
    if (this.group) core.endGroup();
    this.#open = false;
  }
}

/** The one place a failure becomes what the user sees: a clean line, or a bug report with the stack in debug. */
function reportFailure(error: unknown): void {
  if (isCoherenceError(error)) {
    core.setFailed(redact(error.message));
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  core.setFailed(redact(`internal error: ${message} (this is a bug, please report it at ${ISSUES_URL})`));
  if (error instanceof Error && error.stack) core.debug(redact(error.stack));
}
