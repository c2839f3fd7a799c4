// The event that started the workflow, as far as the Action needs it: a push's refs, or nothing else.

import { context } from '@actions/github';
import { actionErrors } from './errors.js';

export interface PushEvent {
  /** refs/heads/<branch> or refs/tags/<tag>. */
  ref: string;
  /** The tip before the push; all zeros when the push created the ref. */
  before: string;
  /** The tip after the push; all zeros when the push deleted the ref. */
  after: string;
  created: boolean;
  deleted: boolean;
  forced: boolean;
  defaultBranch: string | undefined;
}

export type WorkflowEvent = { name: 'push'; push: PushEvent } | { name: string; push?: undefined };

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

export function readEvent(): WorkflowEvent {
  const name = context.eventName;
  if (name !== 'push') return { name };
  const payload = context.payload as Record<string, unknown>;
  const repository = payload.repository as { default_branch?: unknown } | undefined;
  const ref = payload.ref;
  const before = payload.before;
  const after = payload.after;
  if (typeof ref !== 'string' || !ref.startsWith('refs/')) throw actionErrors.badEvent(name, 'has no "ref"');
  for (const [field, value] of [
    ['before', before],
    ['after', after],
  ] as const) {
    if (typeof value !== 'string' || !SHA.test(value)) throw actionErrors.badEvent(name, `has no commit hash in "${field}"`);
  }
  return {
    name,
    push: {
      ref,
      before: before as string,
      after: after as string,
      created: payload.created === true || /^0+$/.test(before as string),
      deleted: payload.deleted === true || /^0+$/.test(after as string),
      forced: payload.forced === true,
      defaultBranch: typeof repository?.default_branch === 'string' && repository.default_branch !== '' ? repository.default_branch : undefined,
    },
  };
}
