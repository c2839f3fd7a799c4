// `coherence rescore`: recompute cost and coherence of stored contributions with the current model
// versions, from the figures the rows hold (no git). One transaction per chunk: a run can be interrupted
// and run again, and rows already current are left alone.

import type { Command } from 'commander';
import { COHERENCE_VERSION, COST_ESTIMATOR_VERSION, formatCents } from '@coherence/core';
import { rescoreToEnd, type RescoreChunk } from '@coherence/api/store';
import { formatCount } from '../output/format.js';
import { openStoreTarget, type TargetOptions } from '../targets/store-target.js';
import { httpUrl } from './options.js';

interface RescoreOptions extends TargetOptions {
  json: boolean;
}

// Rows per transaction locally (larger chunks measured faster; a kill loses at most one), and per
// request through the API (the route's default; each request is one transaction on the server).
const SQLITE_CHUNK_ROWS = 20_000;
const API_CHUNK_ROWS = 5_000;

/** COHERENCE_RESCORE_ROWS sets the chunk size (smaller: less work lost to a kill). */
function chunkRows(fallback: number): number {
  const configured = Number(process.env.COHERENCE_RESCORE_ROWS);
  return Number.isSafeInteger(configured) && configured > 0 ? configured : fallback;
}

export function registerRescore(program: Command): void {
  program
    .command('rescore')
    .description(`recompute cost and coherence of stored contributions with the current models (cost ${COST_ESTIMATOR_VERSION}, coherence ${COHERENCE_VERSION}), without git`)
    .option('--db <file>', 'SQLite database (default $COHERENCE_DB or .coherence/coherence.db)')
    .option('--api-url <url>', 'a Coherence API instead of a local database (or $COHERENCE_API_URL)', httpUrl)
    .option('--api-key <key>', 'a write key for --api-url (or $COHERENCE_API_KEY)')
    .option('--json', 'print one JSON summary on stdout', false)
    .action(async (options: RescoreOptions) => {
      process.exitCode = await runRescore(options);
    });
}

export async function runRescore(options: RescoreOptions): Promise<number> {
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  const target = await openStoreTarget(options);
  const limit = chunkRows(target.label.startsWith('sqlite:') ? SQLITE_CHUNK_ROWS : API_CHUNK_ROWS);
  let total: Omit<RescoreChunk, 'next'>;
  try {
    total = await rescoreToEnd((request) => target.rescore(request), limit);
  } finally {
    await target.close();
  }
  const summary = {
    target: target.label,
    cost_version: COST_ESTIMATOR_VERSION,
    coherence_version: COHERENCE_VERSION,
    rescored: total.rescored,
    skipped: total.skipped,
    cost_cents_change: total.cost_cents_change,
    cost_change: signed(total.cost_cents_change),
    elapsed_ms: Math.round(Number(process.hrtime.bigint() - started) / 1e6),
    // This process's own CPU time: on a busy machine, closer to what the work costs than the wall time.
    cpu_ms: Math.round((process.cpuUsage(cpuBefore).user + process.cpuUsage(cpuBefore).system) / 1000),
  };
  if (options.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    const lines = [
      total.rescored === 0
        ? `Nothing to rescore in ${target.label}: every contribution is at cost ${COST_ESTIMATOR_VERSION} and coherence ${COHERENCE_VERSION}.`
        : `Rescored ${formatCount(total.rescored)} contribution(s) in ${target.label} to cost ${COST_ESTIMATOR_VERSION} and coherence ${COHERENCE_VERSION}; total cost changed by $${signed(total.cost_cents_change)}.`,
    ];
    if (total.skipped > 0) lines.push(`Left ${formatCount(total.skipped)} contribution(s) alone: a model version this release does not know, or figures missing.`);
    process.stderr.write(`${lines.join('\n')}\n`);
  }
  return 0;
}

function signed(cents: number): string {
  return cents < 0 ? `-${formatCents(-cents)}` : `+${formatCents(cents)}`;
}
