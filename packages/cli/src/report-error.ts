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

const secrets = new Set<string>();

/** Marks a value (an --api-key given on the command line) as never to be printed. */
export function registerSecret(value: string | undefined): void {
  if (value !== undefined && value.trim().length >= 4) secrets.add(value.trim());
}

/** API keys never reach output: registered secrets and any key set in the environment are masked. */
export function redact(text: string): string {
  let result = text;
  const fromEnvironment = ['COHERENCE_API_KEY', 'COHERENCE_API_KEYS', 'COHERENCE_READ_KEY', 'COHERENCE_WEBHOOK_SECRET'].flatMap((name) =>
    (process.env[name] ?? '').split(',').map((secret) => secret.trim()),
  );
  for (const secret of [...secrets, ...fromEnvironment]) {
    if (secret.length >= 4) result = result.split(secret).join('***');
  }
  return result;
}
