// The options that change which rows a commit produces. Commits already read under the same
// settings are skipped by later runs; changing any of these reads them again.

import { createHash } from 'node:crypto';
import { COHERENCE_VERSION, COST_ESTIMATOR_VERSION } from '@coherence/core';

export interface CreditSettings {
  includeMerges: boolean;
  includeBots: boolean;
  extraBots: readonly string[];
  excludes: readonly string[];
  useDefaultExcludes: boolean;
}

export function settingsFingerprint(settings: CreditSettings): string {
  const canonical = JSON.stringify({
    cost: COST_ESTIMATOR_VERSION,
    coherence: COHERENCE_VERSION,
    merges: settings.includeMerges,
    bots: settings.includeBots,
    extraBots: [...settings.extraBots].map((bot) => bot.toLowerCase()).sort(),
    excludes: [...settings.excludes].sort(),
    defaults: settings.useDefaultExcludes,
  });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}
