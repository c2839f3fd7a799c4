// Runs the real `coherence serve` in its own process on an ephemeral 127.0.0.1 port.

import { spawn, type ChildProcess } from 'node:child_process';
import { CLI_PATH, cliEnvironment } from './cli.js';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  stderr(): string;
  /** The log lines of unexpected errors (each a 500, with its stack): the server logs JSON, stderr being no terminal. */
  internalErrors(): string;
  /** SIGTERM and wait for the exit (graceful); kill() is the abrupt way. */
  stop(): Promise<void>;
  kill(): Promise<void>;
}

export async function startServerProcess(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [CLI_PATH, 'serve', '--port', '0', '--host', '127.0.0.1', ...args], {
    env: cliEnvironment(env),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /^listening on (http:\/\/\S+)$/m.exec(stderr);
      if (match) resolve(match[1]!);
    });
    void exited.then(() => reject(new Error(`serve exited before listening:\n${stderr}`)));
  });
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  return {
    url,
    child,
    stderr: () => stderr,
    internalErrors: () => stderr.split('\n').filter((line) => line.includes('"msg":"internal error"')).join('\n'),
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
  };
}
