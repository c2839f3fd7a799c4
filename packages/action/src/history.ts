// Shallow checkouts (actions/checkout fetches one commit by default): fetch just enough history for a range,
// in growing steps, and never let a range run into the clone's cut-off.

import * as core from '@actions/core';
import { actionErrors } from './errors.js';
import type { Git } from './git.js';

/** Generations added per step before giving up on deepening and fetching everything. */
export const DEEPEN_STEPS = [50, 100, 200, 400, 800, 1600] as const;

/**
 * Calls `attempt` on the history at hand; while it asks for more (undefined) and the clone is shallow,
 * deepens the history behind `tips` step by step, then unshallows as a last resort. The final call
 * (`final` true) is made on a complete clone and must decide.
 */
export async function withEnoughHistory<T>(
  git: Git,
  tips: () => Promise<string[]>,
  needed: string,
  attempt: (final: boolean) => Promise<T | undefined>,
): Promise<T> {
  if (await git.isShallow()) {
    for (const step of [0, ...DEEPEN_STEPS]) {
      if (step > 0) {
        core.info(`Shallow clone: fetching ${step} more commits of history to reach ${needed}`);
        const fetched = await git.deepen(step, await tips());
        if (!fetched.ok) throw actionErrors.historyUnavailable(needed, firstLine(fetched.stderr));
      }
      const result = await attempt(false);
      if (result !== undefined) return result;
      if (!(await git.isShallow())) break;
    }
    if (await git.isShallow()) await unshallow(git, await tips(), needed);
  }
  const result = await attempt(true);
  if (result === undefined) throw new Error(`no decision on ${needed} with the whole history at hand`);
  return result;
}

/** Makes sure the whole history behind `tips` is here: a range without a base needs every commit. */
export async function ensureWholeHistory(git: Git, tips: readonly string[], needed: string): Promise<void> {
  if (!(await git.isShallow())) return;
  await unshallow(git, tips, needed);
  for (const tip of tips) {
    if (!(await isComplete(git, tip, undefined))) throw actionErrors.historyUnavailable(needed, 'the history is still shallow after fetching it');
  }
}

/** True when every commit of `tip ^base` has its parents here: the range does not run into the cut-off. */
export async function isComplete(git: Git, tip: string, base: string | undefined): Promise<boolean> {
  if (!(await git.isShallow())) return true;
  const boundary = await git.shallowBoundary();
  if (boundary.size === 0) return true;
  return !(await git.revList(tip, base)).some((hash) => boundary.has(hash));
}

async function unshallow(git: Git, tips: readonly string[], needed: string): Promise<void> {
  core.info(`Shallow clone: fetching the whole history to reach ${needed}`);
  const fetched = await git.unshallow(tips);
  if (!fetched.ok) throw actionErrors.historyUnavailable(needed, firstLine(fetched.stderr));
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line !== '')
      ?.replace(/^(fatal|error):\s*/, '') ?? 'git fetch failed'
  );
}
