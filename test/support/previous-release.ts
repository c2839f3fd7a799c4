// Contribution rows as a release on the previous model versions (cost v1, coherence v1) stored them:
// the same figures and provenance, scored with core's frozen previous rules.

import Database from 'better-sqlite3';
import { previousModelScores, type ContributionRecord } from '../../packages/core/src/index.js';

export function asPreviousRelease(record: ContributionRecord): ContributionRecord {
  return { ...record, ...previousModelScores(record.meta) };
}

/** Rewrites every row of a SQLite file as the previous release stored it (the totals triggers move the totals). */
export function rewriteAsPreviousRelease(path: string): void {
  const db = new Database(path);
  try {
    db.transaction(() => {
      const rows = db.prepare('SELECT id, meta FROM contributions').all() as Array<{ id: string; meta: string }>;
      const update = db.prepare('UPDATE contributions SET cost_cents = ?, coherence_score = ?, meta = ? WHERE id = ?');
      for (const row of rows) {
        const previous = previousModelScores(JSON.parse(row.meta));
        update.run(previous.costCents, previous.coherence, JSON.stringify(previous.meta), row.id);
      }
    })();
  } finally {
    db.close();
  }
}
