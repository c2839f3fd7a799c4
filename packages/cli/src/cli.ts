#!/usr/bin/env node
// The `coherence` entry point: wires commander to the commands and prints every error in one place.

import { Command, CommanderError } from 'commander';
import { registerFlush } from './commands/flush.js';
import { registerIdentities } from './commands/identities.js';
import { registerReport } from './commands/report.js';
import { registerRescore } from './commands/rescore.js';
import { registerServe } from './commands/serve.js';
import { registerTrack } from './commands/track.js';
import { endQuietlyWhenStdoutCloses } from './output/closed-stdout.js';
import { reportError } from './report-error.js';
import { VERSION } from './version.js';

export function buildProgram(): Command {
  const program = new Command('coherence')
    .description('Turn git history into contribution records: who changed what, how big it was, what it cost, how coherent it looks.')
    .version(VERSION)
    .showSuggestionAfterError()
    // Options after a subcommand's name belong to that subcommand (`identities merge … --db FILE`).
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  registerTrack(program);
  registerReport(program);
  registerFlush(program);
  registerServe(program);
  registerIdentities(program);
  registerRescore(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  endQuietlyWhenStdoutCloses();
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has already printed its message; --help and --version exit 0.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    process.exitCode = reportError(error);
  }
}

await main(process.argv);
