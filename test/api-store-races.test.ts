// Replicas racing to create the same thing: several stores on one database (as `coherence serve` replicas
// are) post the same new person, repository and commit at the same moment, round after round. Every post
// must succeed, as created or duplicate, and leave exactly one row of each.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contributionsForCommit, type ContributionRecord } from '../packages/core/src/index.js';
import type { ContributionStore } from '../packages/api/src/index.js';
import { STORE_KINDS, hashFor, kindTitle, type StoreHandle } from '../packages/api/test/harness.js';

const ROUNDS = 100;
const POSTS_PER_STORE = 4;

/** A commit by a person and in a repository no earlier round has seen. */
function newcomerRecords(round: number): ContributionRecord[] {
  const author = { name: `Newcomer ${round}`, email: `newcomer-${round}@example.com`, date: '2026-01-05T10:00:00Z' };
  return contributionsForCommit(
    {
      hash: hashFor(`race ${round}`),
      parents: [],
      author,
      committer: author,
      subject: `Race ${round}`,
      message: `Race ${round}`,
      files: [{ path: 'src/race.ts', linesAdded: 10 + round, linesDeleted: 1, binary: false }],
    },
    `octo/race-${round}`,
  );
}

for (const kind of STORE_KINDS) {
  describe.skipIf(kind.skipReason !== undefined)(kindTitle(kind, 'stores racing to create the same rows'), () => {
    let handle: StoreHandle;
    let stores: ContributionStore[];

    beforeEach(async () => {
      handle = await kind.open();
      stores = [handle.store, await handle.reopen(), await handle.reopen()];
    });
    afterEach(async () => {
      await handle.dispose();
    });

    it('answers every concurrent post of a new person, repository and commit, with one row each', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const records = newcomerRecords(round);
        const posts = stores.flatMap((store) =>
          Array.from({ length: POSTS_PER_STORE }, (_, index) => (index % 2 === 0 ? store.ingest(records) : store.ingestIds(records))),
        );
        const outcomes = (await Promise.all(posts)).flat();
        expect(outcomes.filter((outcome) => outcome.status === 'created'), `round ${round}`).toHaveLength(1);
        expect(outcomes.filter((outcome) => outcome.status === 'duplicate'), `round ${round}`).toHaveLength(posts.length - 1);
      }
      const people = (await stores[0]!.listContributors({ limit: 1000 })).items;
      expect(people.map((person) => person.email).sort()).toEqual(Array.from({ length: ROUNDS }, (_, round) => `newcomer-${round}@example.com`).sort());
      const repositories = (await stores[1]!.listAssets({ limit: 1000 })).items;
      expect(repositories).toHaveLength(ROUNDS);
      for (const repository of repositories) {
        const round = Number(repository.name.replace('octo/race-', ''));
        expect(repository.total_cost_cents).toBe(newcomerRecords(round).reduce((sum, record) => sum + record.costCents, 0));
      }
    });
  });
}
