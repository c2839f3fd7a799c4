// Runs the committed Action bundle (dist/index.js) the way the GitHub runner does: `node dist/index.js` with
// INPUT_* variables, an event payload file, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files; and a live local
// Coherence API (`coherence serve`) for it to post to.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_PATH, cliEnvironment } from './cli.js';
import { startServerProcess } from './server-process.js';

export const ACTION_BUNDLE = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
export const ZERO = '0'.repeat(40);

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  runnerTemp: string;
}

export interface ActionRunOptions {
  workspace: string;
  eventName: string;
  /** Written to the file GITHUB_EVENT_PATH names. */
  event?: Record<string, unknown>;
  /** By their action.yml names ("api-url"); absent inputs are not set at all. */
  inputs?: Record<string, string>;
  repository?: string;
  env?: NodeJS.ProcessEnv;
}

const runHomes: string[] = [];

/** Removes the temp dirs of every run so far (call it in afterEach). */
export function removeActionRuns(): void {
  for (const home of runHomes.splice(0)) rmSync(home, { recursive: true, force: true });
}

/** One run of the bundle in its own temp dir; resolves when the process exits. */
export function runAction(options: ActionRunOptions): Promise<ActionRun> {
  if (!existsSync(ACTION_BUNDLE)) throw new Error(`${ACTION_BUNDLE} is missing: run pnpm build:action`);
  const home = realpathSync(mkdtempSync(join(tmpdir(), 'coherence-action-run-')));
  runHomes.push(home);
  const runnerTemp = join(home, 'runner-temp');
  mkdirSync(runnerTemp);
  const eventPath = join(home, 'event.json');
  writeFileSync(eventPath, JSON.stringify(options.event ?? {}));
  const outputPath = join(home, 'output');
  const summaryPath = join(home, 'step-summary.md');
  writeFileSync(outputPath, '');
  writeFileSync(summaryPath, '');
  const inputs: NodeJS.ProcessEnv = {};
  // As the runner does: every declared input, with its default unless the step sets it; named in upper
  // case with spaces as underscores and hyphens kept ("INPUT_API-URL").
  for (const [name, value] of Object.entries({ ...ACTION_YML.inputs, ...options.inputs })) inputs[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  const env = cliEnvironment({
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: options.repository ?? 'octo-org/widgets',
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    RUNNER_TEMP: runnerTemp,
    ...inputs,
    ...options.env,
  });
  // The runner sets only what the step declares: no stray INPUT_ from the shell running the tests.
  for (const name of Object.keys(env)) if (name.startsWith('INPUT_') && !(name in inputs)) delete env[name];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ACTION_BUNDLE], { cwd: options.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout, stderr, outputs: parseOutputs(readFileSync(outputPath, 'utf8')), summary: readFileSync(summaryPath, 'utf8'), runnerTemp }),
    );
  });
}

/** action.yml's inputs (name → default) and output names, read with just enough YAML for that file. */
export const ACTION_YML = readActionYml(fileURLToPath(new URL('../../action.yml', import.meta.url)));

function readActionYml(path: string): { inputs: Record<string, string>; outputs: string[] } {
  const inputs: Record<string, string> = {};
  const outputs: string[] = [];
  let section = '';
  let current = '';
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const top = /^([a-z-]+):/.exec(line);
    if (top) section = top[1]!;
    const entry = /^ {2}([a-z-]+):\s*$/.exec(line);
    if (entry) {
      current = entry[1]!;
      if (section === 'inputs') inputs[current] = '';
      if (section === 'outputs') outputs.push(current);
    }
    const fallback = /^ {4}default:\s*(.*)$/.exec(line);
    if (fallback && section === 'inputs') inputs[current] = fallback[1]!.trim().replace(/^'(.*)'$/, '$1');
  }
  return { inputs, outputs };
}

/** GITHUB_OUTPUT's `name<<delimiter` … `delimiter` blocks. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[index]!);
    if (!match) continue;
    const value: string[] = [];
    for (index += 1; index < lines.length && lines[index] !== match[2]; index += 1) value.push(lines[index]!);
    outputs[match[1]!] = value.join('\n');
  }
  return outputs;
}

type WebhookDefinition = { name: string; examples: Array<Record<string, any>> };

// GitHub's own example payloads; @octokit/webhooks-examples is a devDependency of packages/api.
const examples = createRequire(fileURLToPath(new URL('../../packages/api/package.json', import.meta.url)))(
  '@octokit/webhooks-examples',
) as WebhookDefinition[];
const PUSH_TEMPLATE = examples.find((definition) => definition.name === 'push')!.examples.find((example) => String(example.ref).startsWith('refs/heads/'))!;

export interface PushSpec {
  branch: string;
  before: string;
  after: string;
  forced?: boolean;
  defaultBranch?: string;
  repository?: string;
}

/** GitHub's example push payload, rewritten to a real push of the test repository. */
export function pushEvent(spec: PushSpec): Record<string, any> {
  const event = structuredClone(PUSH_TEMPLATE);
  const [owner, name] = (spec.repository ?? 'octo-org/widgets').split('/');
  event.ref = `refs/heads/${spec.branch}`;
  event.before = spec.before;
  event.after = spec.after;
  event.created = spec.before === ZERO;
  event.deleted = spec.after === ZERO;
  event.forced = spec.forced ?? false;
  event.base_ref = null;
  event.compare = `https://github.com/${owner}/${name}/compare/${spec.before.slice(0, 12)}...${spec.after.slice(0, 12)}`;
  event.commits = [];
  event.head_commit = spec.after === ZERO ? null : { ...event.head_commit, id: spec.after, tree_id: spec.after };
  event.repository = { ...event.repository, name, full_name: `${owner}/${name}`, default_branch: spec.defaultBranch ?? 'main', master_branch: spec.defaultBranch ?? 'main' };
  return event;
}

export interface ApiRow {
  commit_hash: string;
  contributor_email: string;
  contributor_name: string;
  repository: string;
  cost_cents: number;
  cost_amount: string;
}

export interface LocalApi {
  url: string;
  apiKey: string;
  /** Every row stored for the repository, following the `next` links. */
  rows(repository: string): Promise<ApiRow[]>;
  stop(): Promise<void>;
}

/** `coherence serve --port 0` over a fresh SQLite file, with one write key. */
export async function startApi(dir: string, apiKey = 'action-test-key-1234'): Promise<LocalApi> {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run pnpm build`);
  const server = await startServerProcess(['--db', join(dir, 'api.db')], { COHERENCE_API_KEYS: apiKey });
  return {
    url: server.url,
    apiKey,
    async rows(repository) {
      const rows: ApiRow[] = [];
      let next: string | null = `/api/contributions?repository=${encodeURIComponent(repository)}&limit=1000`;
      while (next) {
        const response = await fetch(`${server.url}${next}`, { headers: { 'x-api-key': apiKey } });
        if (!response.ok) throw new Error(`GET ${next}: ${response.status} ${await response.text()}`);
        const page = (await response.json()) as { items: ApiRow[]; next: string | null };
        rows.push(...page.items);
        next = page.next;
      }
      return rows;
    },
    stop: () => server.stop(),
  };
}

/** A port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
