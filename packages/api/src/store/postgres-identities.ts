// Identity links and rescoring for the PostgreSQL store: core decides (planMerge, planUnmerge,
// rescoreContribution), these functions read and write the rows inside the caller's transaction.

import type pg from 'pg';
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
import { contributorId } from './ids.js';
import { groupMerges, nameForNewPrimary, NAMED_LINKS_SQL, type IdentityOverview, type MergedPerson, type RescoreChunk, type RescoreRequest } from './identities.js';

type Queryable = Pick<pg.PoolClient, 'query'>;

export async function readIdentities(q: Queryable): Promise<IdentityOverview> {
  const { rows: addresses } = await q.query<KnownAddress>(
    `SELECT p.email, p.name, (SELECT COUNT(*) FROM contributions c WHERE c.contributor_id = p.id) AS contributions
     FROM contributors p ORDER BY p.email COLLATE "C"`,
  );
  return { addresses, links: await readLinks(q) };
}

export async function readMergedPeople(q: Queryable): Promise<MergedPerson[]> {
  const { rows } = await q.query<IdentityLink & { name: string | null }>(
    `${NAMED_LINKS_SQL} ORDER BY l.primary_email COLLATE "C", l.alias_email COLLATE "C"`,
  );
  return groupMerges(rows);
}

async function readLinks(q: Queryable): Promise<IdentityLink[]> {
  const { rows } = await q.query<IdentityLink>(
    'SELECT alias_email AS alias, primary_email AS "primary" FROM identity_links ORDER BY primary_email COLLATE "C", alias_email COLLATE "C"',
  );
  return rows;
}

/** Merges (and unmerges) take turns, so two at once can never build a chain between them. */
async function lockIdentities(q: Queryable): Promise<void> {
  await q.query(`SELECT pg_advisory_xact_lock(hashtext('coherence:identities'))`);
}

export async function mergeIdentities(q: Queryable, primary: string, aliases: readonly string[]): Promise<MergePlan | MergeRefusal> {
  await lockIdentities(q);
  const plan = planMerge(await readLinks(q), primary, aliases);
  if (!plan.ok || plan.links.length === 0) return plan;
  await q.query(
    `INSERT INTO identity_links (alias_email, primary_email, created_at)
     SELECT alias, "primary", now() FROM json_to_recordset($1::json) AS t (alias text, "primary" text)
     ON CONFLICT (alias_email) DO UPDATE SET primary_email = excluded.primary_email`,
    [JSON.stringify(plan.links)],
  );
  const { rowCount } = await q.query('SELECT 1 FROM contributors WHERE email = $1', [plan.primary]);
  if (rowCount === 0) {
    // The person is listed and reported under the primary, so it gets a contributor row of its own;
    // with no name time, the name on the primary's first commit replaces this one.
    const known = new Map((await readIdentities(q)).addresses.map((address) => [address.email, address]));
    const login = githubLoginFromEmail(plan.primary);
    await q.query(
      `INSERT INTO contributors (id, name, email, created_at, meta) VALUES ($1, $2, $3, now(), $4) ON CONFLICT DO NOTHING`, // no conflict target: see postgres.ts upsertPeople
      [contributorId(plan.primary), nameForNewPrimary(plan.primary, plan.merged, known), plan.primary, login === undefined ? {} : { login }],
    );
  }
  return plan;
}

export async function unmergeIdentities(q: Queryable, aliases: readonly string[]): Promise<UnmergePlan | MergeRefusal> {
  await lockIdentities(q);
  const plan = planUnmerge(await readLinks(q), aliases);
  if (!plan.ok || plan.unmerged.length === 0) return plan;
  await q.query('DELETE FROM identity_links WHERE alias_email = ANY($1::text[])', [plan.unmerged.map((link) => link.alias)]);
  return plan;
}

interface RescoreRow {
  id: string;
  cost_cents: number;
  coherence_score: number;
  meta: unknown;
}

/**
 * One chunk of rows not at the current model versions, in id order, locked, rescored and written back in
 * the caller's transaction; the totals trigger (migration 4) records the cost changes as deltas in the
 * same transaction. A concurrent rescore waits for the locks and then finds those rows current.
 */
export async function rescoreChunk(q: Queryable, request: RescoreRequest): Promise<RescoreChunk> {
  const at = request.at ?? new Date().toISOString();
  const { rows } = await q.query<RescoreRow>(
    `SELECT id, cost_cents, coherence_score, meta FROM contributions
     WHERE ($1::text IS NULL OR id > $1)
       AND (meta->'cost'->>'version' IS DISTINCT FROM $2 OR meta->'coherence'->>'version' IS DISTINCT FROM $3)
     ORDER BY id LIMIT $4 FOR UPDATE`,
    [request.after ?? null, COST_ESTIMATOR_VERSION, COHERENCE_VERSION, request.limit],
  );
  const chunk: RescoreChunk = { examined: rows.length, rescored: 0, skipped: 0, cost_cents_change: 0, next: null };
  const updates: Array<{ id: string; cost_cents: number; coherence_score: number; meta: unknown }> = [];
  for (const row of rows) {
    const result = rescoreContribution({ costCents: row.cost_cents, coherence: row.coherence_score, meta: row.meta }, at);
    if (result.status === 'skipped') chunk.skipped += 1;
    if (result.status !== 'rescored') continue;
    updates.push({ id: row.id, cost_cents: result.costCents, coherence_score: result.coherence, meta: result.meta });
    chunk.cost_cents_change += result.costCents - row.cost_cents;
  }
  if (updates.length > 0) {
    await q.query(
      `UPDATE contributions c SET cost_cents = t.cost_cents, coherence_score = t.coherence_score, meta = t.meta
       FROM json_to_recordset($1::json) AS t (id text, cost_cents bigint, coherence_score numeric, meta jsonb)
       WHERE c.id = t.id`,
      [JSON.stringify(updates)],
    );
    chunk.rescored = updates.length;
  }
  if (rows.length === request.limit) chunk.next = rows[rows.length - 1]!.id;
  return chunk;
}
