// The one place the CLI turns an error into what a person sees: a clean line for user and environment
// mistakes, a stack and a request for a bug report for anything else.

import { isCoherenceError } from './errors.js';

const ISSUES_URL = 'https://github.com/coherence-dev/coherence/issues';

export function reportError(error: unknown, stream: NodeJS.WritableStream = process.stderr): number {
  if (isCoherenceError(error)) {
    stream.write(`coherence: ${redact(error.message)}\n`);
    return error.exitCode;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  stream.write(`coherence: internal error — this is a bug, please report it at ${ISSUES_URL}\n${redact(detail)}\n`);
  return 1;
}

/** API keys never reach output: anything set as a key in the environment is masked. */
export function redact(text: string): string {
  let result = text;
  for (const name of ['COHERENCE_API_KEY', 'COHERENCE_API_KEYS', 'COHERENCE_READ_KEY', 'COHERENCE_WEBHOOK_SECRET']) {
    for (const secret of (process.env[name] ?? '').split(',')) {
      if (secret.trim().length >= 4) result = result.split(secret.trim()).join('***');
    }
  }
  return result;
}
