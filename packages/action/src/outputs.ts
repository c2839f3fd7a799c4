// The step's outputs (names as in action.yml): always all set, zeros when nothing was recorded.

import * as core from '@actions/core';
import { formatCents } from '@coherence/core';
import type { TrackSummary } from '@coherence/cli';

export function setOutputs(summary: TrackSummary | undefined): void {
  core.setOutput('commits', summary?.commits ?? 0);
  core.setOutput('contributions', summary?.contributions ?? 0);
  core.setOutput('created', summary?.created ?? 0);
  core.setOutput('duplicates', summary?.duplicates ?? 0);
  core.setOutput('contributors', summary?.contributors ?? 0);
  core.setOutput('total-cost', formatCents(summary?.total_cost_cents ?? 0));
  core.setOutput('pending', summary?.pending ?? 0);
}
