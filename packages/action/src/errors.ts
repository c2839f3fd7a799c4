// The Action's own user-facing errors, as the CLI's typed CoherenceError (printed in one place: main.ts).

import { CoherenceError } from '@coherence/cli';

const FETCH_DEPTH_HINT = 'set "fetch-depth: 0" on the actions/checkout step';

export const actionErrors = {
  badInput: (name: string, reason: string) => new CoherenceError('usage', 'EBADINPUT', `input "${name}": ${reason}`),
  notCheckedOut: (dir: string) =>
    new CoherenceError('environment', 'ENOCHECKOUT', `${dir} is not a git repository: add an actions/checkout step (with fetch-depth: 0) before this one`),
  badEvent: (event: string, reason: string) => new CoherenceError('environment', 'EBADEVENT', `the ${event} event's payload ${reason}`),
  missingCommit: (sha: string) =>
    new CoherenceError('environment', 'ENOCOMMIT', `the pushed commit ${sha} is not in the checkout and could not be fetched from origin`),
  historyUnavailable: (needed: string, reason: string) =>
    new CoherenceError(
      'environment',
      'ESHALLOWFETCH',
      `the checkout is a shallow clone and the history back to ${needed} could not be fetched (${reason}); ${FETCH_DEPTH_HINT}`,
    ),
};
