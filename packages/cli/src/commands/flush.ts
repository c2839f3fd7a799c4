// `coherence flush`: send the contributions kept in the spool to the API again.

import type { Command } from 'commander';
import { errors } from '../errors.js';
import { countOf, formatCount } from '../output/format.js';
import { registerSecret } from '../report-error.js';
import { httpUrl, spoolPath } from './options.js';

interface FlushCommandOptions {
  apiUrl?: string;
  apiKey?: string;
  spool?: string;
  json: boolean;
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
  // Loaded on demand: the HTTP client is only needed by the commands that post.
  const [{ ApiClient, displayUrl }, { Spool }, { flushSpool }] = await Promise.all([
    import('../api/api-client.js'),
    import('../api/spool.js'),
    import('../api/flush-spool.js'),
  ]);
  const summary = await flushSpool(new Spool(spoolPath(options.spool)), new ApiClient({ url, ...(apiKey ? { apiKey } : {}) }), displayUrl(url));
  if (options.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    process.stderr.write(
      `Flushed ${countOf(summary.sent, 'spooled contribution')} to ${summary.target}: ${formatCount(summary.created)} new, ` +
        `${formatCount(summary.duplicates)} already stored, ${formatCount(summary.rejected)} rejected, ${formatCount(summary.pending)} still pending\n`,
    );
  }
  return summary.pending > 0 ? 1 : 0;
}
