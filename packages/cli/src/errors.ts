// Every error a user can see, as typed values. They are thrown anywhere and printed in one place
// (cli.ts → reportError), which decides between a clean line and a bug report.

export type ErrorKind =
  /** The user asked for something that cannot be: bad flag values, unknown refs. Exit 2. */
  | 'usage'
  /** The world is not as needed: not a repository, unwritable file, shallow clone, API down. Exit 1. */
  | 'environment';

export class CoherenceError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CoherenceError';
  }

  get exitCode(): number {
    return this.kind === 'usage' ? 2 : 1;
  }
}

export const errors = {
  notAGitRepository: (dir: string) =>
    new CoherenceError('environment', 'ENOGITREPO', `${dir} is not a git repository (or any parent up to the filesystem root)`),
  gitMissing: () => new CoherenceError('environment', 'ENOGIT', 'git was not found on PATH; install git 2.31 or newer'),
  gitFailed: (command: string, stderr: string) =>
    new CoherenceError('environment', 'EGIT', `git ${command} failed: ${firstLine(stderr) || 'no output'}`),
  unknownRef: (option: string, ref: string) =>
    new CoherenceError('usage', 'EUNKNOWNREF', `${option} "${ref}" is neither a commit, branch or tag in this repository nor a date`),
  badDate: (option: string, value: string) =>
    new CoherenceError(
      'usage',
      'EBADDATE',
      `${option} "${value}" is not a date git understands here: use 2024-01-31, 2024-01-31T12:00:00Z, "2 weeks ago", "yesterday" or a commit`,
    ),
  emptyRange: (description: string) => new CoherenceError('environment', 'EEMPTYRANGE', `no commits to track in ${description}`),
  shallowClone: (dir: string) =>
    new CoherenceError(
      'environment',
      'ESHALLOW',
      `${dir} is a shallow clone, so its history is truncated: run "git fetch --unshallow" (or check out with fetch-depth: 0) and try again`,
    ),
  badOption: (option: string, reason: string) => new CoherenceError('usage', 'EBADOPTION', `${option}: ${reason}`),
  databaseUnwritable: (path: string, reason: string) =>
    new CoherenceError('environment', 'EDBWRITE', `cannot open the database at ${path} for writing: ${reason}`),
  databaseUnreadable: (path: string, reason: string) =>
    new CoherenceError('environment', 'EDBREAD', `cannot read the database at ${path}: ${reason}`),
  serverNeedsKeys: (host: string) =>
    new CoherenceError(
      'environment',
      'ENOAPIKEYS',
      `refusing to serve on ${host} without API keys: set COHERENCE_API_KEYS (comma-separated), or use --host 127.0.0.1`,
    ),
  serverConfig: (code: 'EDATABASEURL' | 'EDBSETTING' | 'ENOAPIKEYS', message: string) => new CoherenceError('environment', code, message),
  serverDatabase: (target: string, reason: string, cause: unknown) =>
    new CoherenceError('environment', 'EDBOPEN', `cannot open the database at ${target}: ${reason}`, { cause }),
  addressInUse: (host: string, port: number) => new CoherenceError('environment', 'EADDRINUSE', `${host}:${port} is already in use`),
  badHost: (host: string) => new CoherenceError('environment', 'EBADHOST', `cannot listen on ${host}`),
  outputUnwritable: (path: string, reason: string) => new CoherenceError('environment', 'EOUTPUT', `cannot write ${path}: ${reason}`),
  dashboardMissing: (reason: string) => new CoherenceError('environment', 'ENODASHBOARD', reason),
  apiUnreachable: (url: string, reason: string) => new CoherenceError('environment', 'EAPI', `the API at ${url} could not be reached: ${reason}`),
  apiRejected: (status: number, detail: string) => new CoherenceError('environment', 'EAPIREJECT', `the API refused the request (${status}): ${detail}`),
  identityRefused: (reason: string) => new CoherenceError('usage', 'EIDENTITY', reason),
};

function firstLine(text: string): string {
  return text.trim().split('\n').find((line) => line.trim() !== '')?.replace(/^(fatal|error):\s*/, '') ?? '';
}

export function isCoherenceError(error: unknown): error is CoherenceError {
  return error instanceof CoherenceError;
}
