// Identity links for the SQLite store: core decides (planMerge, planUnmerge), these functions read and
// write the rows, each call in one IMMEDIATE transaction. Rescoring is in sqlite-rescore.ts.

import type Database from 'better-sqlite3';
import {
  githubLoginFromEmail,
  planMerge,
  planUnmerge,
  type IdentityLink,
  type KnownAddress,
  type MergePlan,
  type MergeRefusal,
  type UnmergePlan,
} from '@coherence/core';
import { contributorId } from './ids.js';
import { groupMerges, nameForNewPrimary, NAMED_LINKS_SQL, type IdentityOverview, type MergedPerson } from './identities.js';
import { hasTable } from './sqlite-migrations.js';

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
  if (!hasTable(db, 'identity_links')) db.exec(`CREATE TEMP TABLE IF NOT EXISTS ${IDENTITY_LINKS_TABLE}`);
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

export function readMergedPeople(db: Database.Database): MergedPerson[] {
  return groupMerges(db.prepare(`${NAMED_LINKS_SQL} ORDER BY l.primary_email, l.alias_email`).all() as Array<IdentityLink & { name: string | null }>);
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
