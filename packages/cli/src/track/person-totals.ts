// A run's per-person figures: each address counts under the person the target merges it into (its
// identity merges), and a commit that credits two addresses of one person counts once for them, with its
// lines once and their cost shares added up, as `coherence report` counts it.

import type { ContributionRecord } from '@coherence/core';
import type { MergedPerson } from '@coherence/api/store';

export interface ContributorTotals {
  /** The address the person counts under: the primary of a merge, else the address itself. */
  email: string;
  name: string;
  commits: number;
  lines_added: number;
  lines_deleted: number;
  cost_cents: number;
  coherence_sum_hundredths: number;
}

export class PersonTotals {
  readonly #people = new Map<string, ContributorTotals>();
  readonly #primaryOf = new Map<string, string>();
  /** The names the target records for its primaries: the person's name wherever they are shown. */
  readonly #primaryNames = new Map<string, string>();
  /** People named so far after an alias's record, until a record of their primary address shows up. */
  readonly #namedByAlias = new Set<string>();

  constructor(merges: readonly MergedPerson[] = []) {
    for (const person of merges) {
      for (const alias of person.aliases) this.#primaryOf.set(alias, person.primary);
      if (person.name !== null) this.#primaryNames.set(person.primary, person.name);
    }
  }

  get size(): number {
    return this.#people.size;
  }

  /** Adds the records of one commit (core's contributionsForCommit: each carries the commit's figures). */
  addCommit(records: readonly ContributionRecord[]): void {
    const counted = new Set<string>();
    for (const record of records) {
      const email = this.#primaryOf.get(record.contributor.email) ?? record.contributor.email;
      const person = this.#person(email, record);
      person.cost_cents += record.costCents;
      // Two of one person's addresses on one commit: their cost shares add up, the commit counts once.
      if (counted.has(email)) continue;
      counted.add(email);
      person.commits += 1;
      person.lines_added += record.meta.lines_added;
      person.lines_deleted += record.meta.lines_deleted;
      person.coherence_sum_hundredths += Math.round(record.coherence * 100);
    }
  }

  /** Top cost first, then most commits, then by address. */
  rows(): ContributorTotals[] {
    return [...this.#people.values()].sort((a, b) => b.cost_cents - a.cost_cents || b.commits - a.commits || a.email.localeCompare(b.email));
  }

  #person(email: string, record: ContributionRecord): ContributorTotals {
    let person = this.#people.get(email);
    if (!person) {
      const recorded = this.#primaryNames.get(email);
      person = { email, name: recorded ?? record.contributor.name, commits: 0, lines_added: 0, lines_deleted: 0, cost_cents: 0, coherence_sum_hundredths: 0 };
      this.#people.set(email, person);
      if (recorded === undefined && record.contributor.email !== email) this.#namedByAlias.add(email);
    } else if (record.contributor.email === email && this.#namedByAlias.delete(email)) {
      person.name = record.contributor.name;
    }
    return person;
  }
}
