// Identity links and rescoring for the SQLite store: core decides (planMerge, planUnmerge,
// rescoreContribution), these functions read and write the rows, each call in one IMMEDIATE transaction.

import type Database from 'better-sqlite3';
import {
  COHERENCE_VERSION,
  COST_ESTIMATOR_VERSION,
  githubLoginFromEmail,
  planMerge,
  planUnmerge,
  rescoreContribution,
  type IdentityLink,
  type KnownAddress,
  type MergePlan,
  type MergeRefusal,
  type UnmergePlan,
} from '@coherence/core';
import { InvalidCursorError } from './cursor.js';
import { contributorId } from './ids.js';
import { nameForNewPrimary, type IdentityOverview, type RescoreChunk, type RescoreRequest } from './identities.js';

const IDENTITY_LINKS_TABLE = `identity_links (
  alias_email TEXT PRIMARY KEY,
  primary_email TEXT NOT NULL,
  created_at TEXT NOT NULL
)`;

/**
 * A read-only connection to a file from before migration 6 has no identity_links: an empty temporary
 * one stands in, so every read can join it (nobody is merged in such a file).
 */
export function ensureIdentityLinksReadable(db: Database.Database): void {
  const present = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'identity_links'`).get();
  if (!present) db.exec(`CREATE TEMP TABLE IF NOT EXISTS ${IDENTITY_LINKS_TABLE}`);
}

export function readIdentities(db: Database.Database): IdentityOverview {
  const addresses = db
    .prepare(
      `SELECT p.email, p.name, (SELECT COUNT(*) FROM contributions c WHERE c.contributor_id = p.id) AS contributions
       FROM contributors p ORDER BY p.email`,
    )
    .all() as KnownAddress[];
  return { addresses, links: readLinks(db) };
}

function readLinks(db: Database.Database): IdentityLink[] {
  return db
    .prepare('SELECT alias_email AS alias, primary_email AS "primary" FROM identity_links ORDER BY primary_email, alias_email')
    .all() as IdentityLink[];
}

export function mergeIdentities(db: Database.Database, primary: string, aliases: readonly string[]): MergePlan | MergeRefusal {
  return db
    .transaction((): MergePlan | MergeRefusal => {
      const plan = planMerge(readLinks(db), primary, aliases);
      if (!plan.ok) return plan;
      const now = new Date().toISOString();
      const link = db.prepare(
        `INSERT INTO identity_links (alias_email, primary_email, created_at) VALUES (?, ?, ?)
         ON CONFLICT (alias_email) DO UPDATE SET primary_email = excluded.primary_email`,
      );
      for (const { alias, primary: to } of plan.links) link.run(alias, to, now);
      if (plan.links.length > 0 && !db.prepare('SELECT 1 FROM contributors WHERE email = ?').get(plan.primary)) {
        // The person is listed and reported under the primary, so it gets a contributor row of its own;
        // with no name time, the name on the primary's first commit replaces this one.
        const known = new Map(readIdentities(db).addresses.map((address) => [address.email, address]));
        const login = githubLoginFromEmail(plan.primary);
        db.prepare('INSERT INTO contributors (id, name, email, created_at, meta) VALUES (?, ?, ?, ?, ?)').run(
          contributorId(plan.primary),
          nameForNewPrimary(plan.primary, plan.merged, known),
          plan.primary,
          now,
          JSON.stringify(login === undefined ? {} : { login }),
        );
      }
      return plan;
    })
    .immediate();
}

export function unmergeIdentities(db: Database.Database, aliases: readonly string[]): UnmergePlan | MergeRefusal {
  return db
    .transaction((): UnmergePlan | MergeRefusal => {
      const plan = planUnmerge(readLinks(db), aliases);
      if (!plan.ok) return plan;
      const unlink = db.prepare('DELETE FROM identity_links WHERE alias_email = ?');
      for (const { alias } of plan.unmerged) unlink.run(alias);
      return plan;
    })
    .immediate();
}

type RescoreRow = [
  rowid: number,
  costCents: number,
  coherence: number,
  filesChanged: unknown,
  linesAdded: unknown,
  linesDeleted: unknown,
  hasTests: unknown,
  hasDocs: unknown,
  cost: string | null,
  coherenceVersion: unknown,
  rescores: string | null,
];

/**
 * One chunk of rows not at the current model versions, in rowid order, rescored in one transaction.
 * The totals triggers (migration 4) move the repositories' totals in the same transaction, so totals
 * equal their sums after every chunk (and after a kill); rows whose cost stays leave cost_cents out of
 * the update, so no trigger runs for them.
 * Only the parts of meta the rule reads are read, and only the parts it changes are written (json_set):
 * parsing and writing whole meta documents in JavaScript cost several times more.
 */
export function rescoreChunk(db: Database.Database, request: RescoreRequest): RescoreChunk {
  if (!/^\d{1,15}$/.test(request.after ?? '0')) throw new InvalidCursorError();
  const after = Number(request.after ?? '0');
  const at = request.at ?? new Date().toISOString();
  const select = db
    .prepare(
      `SELECT rowid, cost_cents, coherence_score, json_extract(meta, '$.files_changed'), json_extract(meta, '$.lines_added'),
         json_extract(meta, '$.lines_deleted'), json_extract(meta, '$.has_tests'), json_extract(meta, '$.has_docs'),
         json_extract(meta, '$.cost'), json_extract(meta, '$.coherence.version'), json_extract(meta, '$.rescores')
       FROM contributions
       WHERE rowid > ? AND (json_extract(meta, '$.cost.version') IS NOT ? OR json_extract(meta, '$.coherence.version') IS NOT ?)
       ORDER BY rowid LIMIT ?`,
    )
    .raw(true);
  // Positional parameters: binding them measured a quarter cheaper than named ones, per row.
  const setMeta = `coherence_score = ?, meta = json_set(meta, '$.cost', json(?), '$.coherence', json(?), '$.rescores', json(?))`;
  const updateCost = db.prepare(`UPDATE contributions SET ${setMeta}, cost_cents = ? WHERE rowid = ?`);
  const updateScore = db.prepare(`UPDATE contributions SET ${setMeta} WHERE rowid = ?`);
  return db
    .transaction((): RescoreChunk => {
      const rows = select.all(after, COST_ESTIMATOR_VERSION, COHERENCE_VERSION, request.limit) as RescoreRow[];
      const chunk: RescoreChunk = { examined: rows.length, rescored: 0, skipped: 0, cost_cents_change: 0, next: null };
      for (const row of rows) {
        const [rowid, costCents, coherence, filesChanged, linesAdded, linesDeleted, hasTests, hasDocs, cost, coherenceVersion, rescores] = row;
        const meta = {
          files_changed: filesChanged,
          lines_added: linesAdded,
          lines_deleted: linesDeleted,
          // JSON true and false come out of json_extract as 1 and 0.
          has_tests: hasTests === 1,
          has_docs: hasDocs === 1,
          cost: parseJson(cost),
          coherence: coherenceVersion === null ? undefined : { version: coherenceVersion },
          rescores: parseJson(rescores),
        };
        const result = rescoreContribution({ costCents, coherence, meta }, at);
        if (result.status === 'skipped') chunk.skipped += 1;
        if (result.status !== 'rescored') continue;
        const { cost: newCost, coherence: newCoherence, rescores: history } = result.meta;
        const values = [result.coherence, JSON.stringify(newCost), JSON.stringify(newCoherence), JSON.stringify(history)];
        if (result.costCents === costCents) updateScore.run(...values, rowid);
        else updateCost.run(...values, result.costCents, rowid);
        chunk.rescored += 1;
        chunk.cost_cents_change += result.costCents - costCents;
      }
      if (rows.length === request.limit) chunk.next = String(rows[rows.length - 1]![0]);
      return chunk;
    })
    .immediate();
}

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
