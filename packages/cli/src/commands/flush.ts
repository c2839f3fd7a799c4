// `coherence flush`: send the contributions kept in the spool to the API again.

import type { Command } from 'commander';
import { ApiClient, ApiRefusedError, ApiUnavailableError, displayUrl } from '../api/api-client.js';
import { Spool, type SpooledItem } from '../api/spool.js';
import { API_BATCH_ITEMS } from '../sinks/api-sink.js';
import { errors } from '../errors.js';
import { formatCount } from '../output/format.js';
import { registerSecret } from '../report-error.js';
import { httpUrl, spoolPath } from './options.js';

interface FlushCommandOptions {
  apiUrl?: string;
  apiKey?: string;
  spool?: string;
  json: boolean;
}

export interface FlushSummary {
  spool: string;
  target: string;
  sent: number;
  created: number;
  duplicates: number;
  rejected: number;
  pending: number;
}

export function registerFlush(program: Command): void {
  program
    .command('flush')
    .description('send contributions kept in the spool (when the API was unreachable) to the API again')
    .option('--api-url <url>', 'the Coherence API (or $COHERENCE_API_URL)', httpUrl)
    .option('--api-key <key>', 'API key (or $COHERENCE_API_KEY)')
    .option('--spool <file>', 'the spool file (default $COHERENCE_SPOOL or .coherence/spool.ndjson)')
    .option('--json', 'print one JSON summary on stdout', false)
    .action(async (options: FlushCommandOptions) => {
      process.exitCode = await runFlush(options);
    });
}

export async function runFlush(options: FlushCommandOptions): Promise<number> {
  const url = options.apiUrl ?? process.env.COHERENCE_API_URL?.trim();
  if (!url) throw errors.badOption('--api-url', 'required (or set COHERENCE_API_URL)');
  if (options.apiUrl === undefined) {
    try {
      httpUrl(url);
    } catch {
      throw errors.badOption('COHERENCE_API_URL', 'expected an http:// or https:// URL');
    }
  }
  const apiKey = options.apiKey ?? (process.env.COHERENCE_API_KEY?.trim() || undefined);
  registerSecret(apiKey);
  const summary = await flushSpool(new Spool(spoolPath(options.spool)), new ApiClient({ url, ...(apiKey ? { apiKey } : {}) }), displayUrl(url));
  if (options.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    process.stderr.write(
      `Flushed ${formatCount(summary.sent)} spooled contribution(s) to ${summary.target}: ${formatCount(summary.created)} new, ` +
        `${formatCount(summary.duplicates)} already stored, ${formatCount(summary.rejected)} rejected, ${formatCount(summary.pending)} still pending\n`,
    );
  }
  return summary.pending > 0 ? 1 : 0;
}

/**
 * Sends every spooled item in batches; what the API took (created or duplicate) leaves the spool, the rest
 * stays with its latest reason. Stops at the first outage, keeping everything not yet sent.
 */
export async function flushSpool(spool: Spool, client: ApiClient, target: string): Promise<FlushSummary> {
  const items = spool.read();
  const kept: SpooledItem[] = [];
  const summary: FlushSummary = { spool: spool.path, target, sent: 0, created: 0, duplicates: 0, rejected: 0, pending: 0 };
  try {
    for (let start = 0; start < items.length; start += API_BATCH_ITEMS) {
      const batch = items.slice(start, start + API_BATCH_ITEMS);
      let results;
      try {
        results = await client.postBatch(batch.map((item) => item.payload));
      } catch (error) {
        if (error instanceof ApiUnavailableError) {
          kept.push(...items.slice(start).map((item) => ({ ...item, reason: error.message })));
          break;
        }
        if (error instanceof ApiRefusedError) {
          kept.push(...items.slice(start));
          spool.replace(kept);
          throw errors.apiRejected(error.status, error.message);
        }
        throw error;
      }
      summary.sent += batch.length;
      for (const result of results) {
        if (result.status === 'created') summary.created += 1;
        else if (result.status === 'duplicate') summary.duplicates += 1;
        else {
          summary.rejected += 1;
          const reason = (result.errors ?? []).map((error) => `${error.field}: ${error.message}`).join('; ') || 'rejected';
          kept.push({ ...batch[result.index]!, reason: `rejected: ${reason}` });
        }
      }
    }
    spool.replace(kept);
  } finally {
    await client.close();
  }
  summary.pending = kept.length;
  return summary;
}
