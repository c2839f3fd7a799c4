// Runs the real, built `coherence` CLI as a subprocess, the way a user's shell would.

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI_PATH = fileURLToPath(new URL('../../packages/cli/dist/cli.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Called once the process has started, e.g. to kill it part-way. */
  onSpawn?: (child: ChildProcess) => void;
}

/** The environment a CI job would give: no TTY, CI set, no keys or databases leaking in from the shell. */
export function cliEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('COHERENCE_') && !name.startsWith('GIT_') && name !== 'DATABASE_URL') environment[name] = value;
  }
  return { ...environment, CI: 'true', NO_COLOR: '1', ...extra };
}

export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: cliEnvironment(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    options.onSpawn?.(child);
  });
}

/** Runs the CLI for a step a test depends on: a non-zero exit fails the test with the CLI's own stderr. */
export async function runCliOk(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const result = await runCli(args, { env });
  if (result.code !== 0) throw new Error(`coherence ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return result;
}

/** A user mistake is reported as exactly one clean line: no stack trace, no internal-error banner. */
export function expectOneLineError(result: CliResult): string {
  const lines = result.stderr.trim().split('\n');
  if (lines.length !== 1 || /\n\s+at /.test(result.stderr) || /internal error/.test(result.stderr)) {
    throw new Error(`expected a one-line error, got:\n${result.stderr}`);
  }
  return lines[0]!;
}
