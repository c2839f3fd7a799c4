// What a run records, worked out from the event: a push's own commits (new branch, normal or force push),
// or, on any other event, a range given like the CLI's (`since`, `until`; the whole history without them).

import * as core from '@actions/core';
import { actionErrors } from './errors.js';
import type { PushEvent, WorkflowEvent } from './event.js';
import type { Git } from './git.js';
import { ensureWholeHistory, isComplete, withEnoughHistory } from './history.js';

export type Plan =
  /** trackHistory's since/until; both are full hashes on a push. */
  | { kind: 'track'; since?: string; until?: string; description: string }
  | { kind: 'skip'; reason: string };

export interface ManualRange {
  since?: string | undefined;
  until?: string | undefined;
}

export async function planRange(git: Git, event: WorkflowEvent, manual: ManualRange): Promise<Plan> {
  if (event.push) {
    if (manual.since !== undefined || manual.until !== undefined) {
      core.info('On push, the range comes from the push itself: the "since" and "until" inputs are not used');
    }
    return planPush(git, event.push);
  }
  if (PULL_REQUEST_EVENTS.has(event.name)) {
    // A pull request's commits are recorded when they reach a branch; recording the test merge commit's
    // history here would count squash-merged work twice.
    return { kind: 'skip', reason: `${event.name} events are not recorded: commits are recorded when they are pushed (on: push)` };
  }
  return planManual(git, manual);
}

const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target', 'pull_request_review', 'merge_group']);

async function planPush(git: Git, push: PushEvent): Promise<Plan> {
  if (push.deleted) return { kind: 'skip', reason: `the push deleted ${push.ref}, so there are no new commits to record` };
  if (!push.ref.startsWith('refs/heads/')) return { kind: 'skip', reason: `${push.ref} is not a branch, so there are no new commits to record` };
  const branch = push.ref.slice('refs/heads/'.length);
  if (!(await git.hasCommit(push.after)) && !(await git.fetchCommit(push.after, (await git.isShallow()) ? 1 : undefined))) {
    throw actionErrors.missingCommit(push.after);
  }
  return push.created ? planNewBranch(git, push, branch) : planUpdate(git, push, branch);
}

/** A new branch: its commits that are not on the default branch; all of them for the default branch itself. */
async function planNewBranch(git: Git, push: PushEvent, branch: string): Promise<Plan> {
  const { after } = push;
  if (push.defaultBranch !== undefined && branch === push.defaultBranch) {
    // The first push of a repository (or its default branch pushed anew): every commit is new.
    await ensureWholeHistory(git, [after], 'the first commit');
    return { kind: 'track', until: after, description: `new default branch ${branch}: its whole history` };
  }
  return commitsNotOnDefaultBranch(git, push, `new branch ${branch}`);
}

/** A push onto an existing branch: `before..after`, or since their merge base when the push was forced. */
async function planUpdate(git: Git, push: PushEvent, branch: string): Promise<Plan> {
  const { before, after } = push;
  let fetchedBefore: boolean | undefined;
  // The commit a force push replaced is no longer on any branch: only a fetch by hash can bring it.
  const fetchBefore = async () => (fetchedBefore ??= await git.fetchCommit(before, (await git.isShallow()) ? 1 : undefined));
  if (!(await git.hasCommit(before)) && (push.forced || !(await git.isShallow()))) await fetchBefore();

  const needed = `the commit before the push (${short(before)})`;
  const found = await withEnoughHistory(git, () => present(git, [after, before]), needed, async (final) => {
    if (!(await git.hasCommit(before))) {
      // Deepening along `after` reaches `before` on a normal push; otherwise only a fetch by hash can.
      if (!final && fetchedBefore === undefined) return undefined;
      if (!(await fetchBefore())) return { kind: 'before-missing' as const };
    }
    const base = await git.mergeBase(before, after);
    if (base === undefined) return final ? { kind: 'unrelated' as const } : undefined;
    if (!(await completeOrMore(git, after, base, final, needed))) return undefined;
    return { kind: 'base' as const, base };
  });

  if (found.kind === 'base' && found.base === before) {
    return { kind: 'track', since: before, until: after, description: `push to ${branch}` };
  }
  if (found.kind === 'base') {
    core.notice(`Force push to ${branch}: recording the commits since ${short(found.base)}, where ${short(before)} and ${short(after)} part`);
    return { kind: 'track', since: found.base, until: after, description: `force push to ${branch}, since ${short(found.base)} where ${short(before)} and ${short(after)} part` };
  }
  if (found.kind === 'unrelated') {
    core.notice(`The push replaced ${branch} with an unrelated history: recording all of ${short(after)}'s history`);
    return { kind: 'track', until: after, description: `push to ${branch} replacing its history: all of ${short(after)}'s history` };
  }
  core.warning(`The commit the push replaced (${short(before)}) could not be fetched: recording ${short(after)}'s commits that are not on the default branch`);
  return commitsNotOnDefaultBranch(git, push, `push to ${branch}`);
}

/** `after ^origin/<default>`; only the pushed head commit when that cannot tell what is new. */
async function commitsNotOnDefaultBranch(git: Git, push: PushEvent, what: string): Promise<Plan> {
  const { after, defaultBranch } = push;
  const onlyHead = (why: string) => {
    core.warning(`${why}: recording only the pushed commit ${short(after)} (run the workflow by hand with "since" to record more)`);
    return headCommitOnly(git, after, what);
  };
  if (defaultBranch === undefined) return onlyHead('The event names no default branch');
  if (push.ref === `refs/heads/${defaultBranch}`) return onlyHead(`${defaultBranch} is the default branch`);
  const base = await defaultBranchTip(git, defaultBranch);
  if (base === undefined) return onlyHead(`origin/${defaultBranch} could not be fetched`);
  const needed = `where ${short(after)} leaves ${defaultBranch}`;
  await withEnoughHistory(git, () => present(git, [after, base]), needed, async (final) => ((await completeOrMore(git, after, base, final, needed)) ? true : undefined));
  return { kind: 'track', since: base, until: after, description: `${what}: its commits not on ${defaultBranch}` };
}

/** The tip of origin/<branch>, fetched when the checkout does not have it; undefined when origin has none. */
async function defaultBranchTip(git: Git, branch: string): Promise<string | undefined> {
  const ref = `refs/remotes/origin/${branch}`;
  const known = await git.commit(ref);
  if (known !== undefined) return known;
  if (!(await git.fetchBranch(branch, (await git.isShallow()) ? 1 : undefined))) return undefined;
  return git.commit(ref);
}

/** Just `after` (and what it merges): its first parent is the base; a root commit is its whole history. */
async function headCommitOnly(git: Git, after: string, what: string): Promise<Plan> {
  const needed = `the parent of ${short(after)}`;
  const parent = await withEnoughHistory(git, () => present(git, [after]), needed, async (final) => {
    const hash = await git.commit(`${after}^`);
    if (hash === undefined) return final ? { hash: undefined } : undefined;
    return (await completeOrMore(git, after, hash, final, needed)) ? { hash } : undefined;
  });
  return { kind: 'track', ...(parent.hash === undefined ? {} : { since: parent.hash }), until: after, description: `${what}: only ${short(after)}` };
}

/** Any other event (workflow_dispatch, schedule …): the CLI's range, `since..HEAD` or the whole history. */
async function planManual(git: Git, range: ManualRange): Promise<Plan> {
  const description = range.since === undefined ? 'the whole history' : `since ${range.since}`;
  const plan: Plan = {
    kind: 'track',
    ...(range.since === undefined ? {} : { since: range.since }),
    ...(range.until === undefined ? {} : { until: range.until }),
    description: range.until === undefined ? description : `${description} until ${range.until}`,
  };
  if (!(await git.isShallow())) return plan;
  const since = range.since === undefined ? undefined : await git.commit(range.since);
  const tip = range.until === undefined ? await git.commit('HEAD') : await git.commit(range.until);
  if (since !== undefined && tip !== undefined) {
    const needed = short(since);
    await withEnoughHistory(git, () => present(git, [tip, since]), needed, async (final) => ((await completeOrMore(git, tip, since, final, needed)) ? true : undefined));
  } else {
    // A date, or no bound at all: only the whole history is sure to hold the range.
    await ensureWholeHistory(git, tip === undefined ? [] : [tip], range.since === undefined ? 'the first commit' : range.since);
  }
  return plan;
}

/** Whether `tip ^base` is complete; on the final (unshallowed) attempt an incomplete range is an error. */
async function completeOrMore(git: Git, tip: string, base: string, final: boolean, needed: string): Promise<boolean> {
  if (await isComplete(git, tip, base)) return true;
  if (final) throw actionErrors.historyUnavailable(needed, 'the history is still shallow after fetching all of it');
  return false;
}

async function present(git: Git, commits: readonly string[]): Promise<string[]> {
  const here: string[] = [];
  for (const commit of commits) if (await git.hasCommit(commit)) here.push(commit);
  return here;
}

function short(hash: string): string {
  return /^[0-9a-f]{40,64}$/.test(hash) ? hash.slice(0, 7) : hash;
}
