// Which name a person is stored under when their commits carry several (a maiden name, a nickname, a
// typo fixed later): the name on their newest commit, ties going to the greater name. It is a rule
// about the records, not about the order they arrive in, so shards, replays and concurrent writers
// all end with the name one run in commit order would give.

import { isPlainUtcIso } from '@coherence/core';

/** The time a name was used, as stored in contributors.name_at: the commit time in UTC ISO 8601. */
export function nameTime(timestamp: string): string {
  // Records carry this form already (core's toUtcIso): no need to parse a date per row.
  if (isPlainUtcIso(timestamp)) return timestamp;
  const milliseconds = Date.parse(timestamp);
  return Number.isFinite(milliseconds) ? new Date(milliseconds).toISOString() : timestamp;
}

/** Orders (time, name) pairs as the SQL below does, for skipping writes that cannot change a name. */
export function contributorNameKey(at: string, name: string): string {
  return `${at}\u0000${name}`;
}

/** Who a row names, and when: what decides which of a person's names is kept. */
export interface NamedRow {
  email: string;
  name: string;
  timestamp: string;
}

/** A person's newest name among some rows: the row it is on, its time (nameTime) and its key. */
export interface NewestName<Row> {
  row: Row;
  nameAt: string;
  nameKey: string;
}

/** Per address, the row with the newest (commit time, name): the only row of theirs that can change their stored name. */
export function newestNamePerPerson<Row>(rows: readonly Row[], named: (row: Row) => NamedRow): Map<string, NewestName<Row>> {
  const newest = new Map<string, NewestName<Row>>();
  for (const row of rows) {
    const { email, name, timestamp } = named(row);
    const nameAt = nameTime(timestamp);
    const nameKey = contributorNameKey(nameAt, name);
    const seen = newest.get(email);
    if (seen === undefined || nameKey > seen.nameKey) newest.set(email, { row, nameAt, nameKey });
  }
  return newest;
}

/**
 * The upsert's condition for taking the incoming name. Rows from before names had a time (NULL) take
 * any. `byteOrder` makes the tie-break compare bytes, as SQLite does by default, whatever the collation.
 */
export function incomingNameIsNewer(byteOrder = ''): string {
  return `contributors.name_at IS NULL OR excluded.name_at > contributors.name_at
    OR (excluded.name_at = contributors.name_at AND excluded.name${byteOrder} > contributors.name${byteOrder})`;
}
