// The dashboard's aggregates, run unchanged against every store: SQLite (in process and on its
// thread) and PostgreSQL. Records come from core, exactly as `coherence track` builds them.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contributionsForCommit, previousModelScores, type ContributionRecord, type GitCommit } from '../packages/core/src/index.js';
import { buildInsight, type ContributionStore } from '../packages/api/src/index.js';
import { STORE_KINDS, connectPostgres, hashFor, kindTitle, type StoreHandle } from '../packages/api/test/harness.js';

interface Change {
  label: string;
  repository: string;
  author: string;
  coAuthors?: string[];
  date: string;
  linesAdded: number;
  files?: string[];
  subject?: string;
}

function commit(change: Change): GitCommit {
  const person = (email: string) => ({ name: email.split('@')[0]!.toUpperCase(), email });
  const files = change.files ?? ['src/feature.ts'];
  return {
    hash: hashFor(change.label),
    parents: [hashFor(`${change.label}^`)],
    author: { ...person(change.author), date: change.date },
    committer: { ...person(change.author), date: change.date },
    subject: change.subject ?? `Change ${change.label}`,
    message: `${change.subject ?? `Change ${change.label}`}\n\n${(change.coAuthors ?? []).map((email) => `Co-authored-by: ${person(email).name} <${email}>`).join('\n')}\n`,
    files: files.map((path, index) => ({ path, linesAdded: index === 0 ? change.linesAdded : 1, linesDeleted: 2, binary: false })),
  };
}

const CHANGES: Change[] = [
  { label: 'a1', repository: 'octo/hello', author: 'ann@example.com', date: '2024-01-01T10:00:00Z', linesAdded: 10 },
  { label: 'a2', repository: 'octo/hello', author: 'ann@example.com', coAuthors: ['bob@example.com'], date: '2024-01-03T10:00:00Z', linesAdded: 300 },
  { label: 'a3', repository: 'octo/hello', author: 'bob@example.com', date: '2024-01-20T10:00:00Z', linesAdded: 20, files: ['src/a.ts', 'test/a.test.ts', 'README.md'] },
  { label: 'b1', repository: 'local-tool', author: 'cy@example.com', date: '2024-02-05T09:00:00Z', linesAdded: 5, subject: 'Fix </script> in docs' },
  { label: 'b2', repository: 'local-tool', author: 'ann@example.com', date: '2024-02-06T09:00:00Z', linesAdded: 40 },
];

const records = (changes: readonly Change[]): ContributionRecord[] => changes.flatMap((change) => contributionsForCommit(commit(change), change.repository));

for (const kind of STORE_KINDS) {
  describe.skipIf(kind.skipReason !== undefined)(kindTitle(kind, 'dashboard aggregates'), () => {
    let handle: StoreHandle;
    let store: ContributionStore;
    const all = records(CHANGES);

    beforeEach(async () => {
      handle = await kind.open();
      store = handle.store;
      await store.ingestIds(all);
    });
    afterEach(async () => {
      await handle.dispose();
    });

    it('counts a shared commit once in commits, lines and coherence, and once per person in contributors', async () => {
      const insight = await buildInsight(store, {}, { top: 10, latest: 3, now: new Date('2024-03-01T00:00:00Z') });
      const perCommit = new Map(all.map((record) => [`${record.repository} ${record.commitHash}`, record]));
      const commits = [...perCommit.values()];
      expect(insight.totals).toEqual({
        contributors: 3,
        commits: 5,
        contributions: 6,
        lines_added: commits.reduce((sum, record) => sum + record.meta.lines_added, 0),
        lines_deleted: commits.reduce((sum, record) => sum + record.meta.lines_deleted, 0),
        files_changed: commits.reduce((sum, record) => sum + record.meta.files_changed, 0),
        cost_cents: all.reduce((sum, record) => sum + record.costCents, 0),
        mean_coherence: Math.round(commits.reduce((sum, record) => sum + Math.round(record.coherence * 100), 0) / 5) / 100,
      });
      const scores = new Map<number, number>();
      for (const record of commits) scores.set(record.coherence, (scores.get(record.coherence) ?? 0) + 1);
      expect(insight.coherence).toEqual([...scores].sort(([a], [b]) => a - b).map(([score, count]) => ({ score, commits: count })));
      expect(insight.coherence.reduce((sum, bucket) => sum + bucket.commits, 0)).toBe(5);
    });

    it('gives weeks with quiet ones as zeros, people by cost and by commits, and each repository', async () => {
      const insight = await buildInsight(store, {});
      expect(insight.weeks.map((week) => [week.week, week.commits])).toEqual([
        ['2024-01-01', 2],
        ['2024-01-08', 0],
        ['2024-01-15', 1],
        ['2024-01-22', 0],
        ['2024-01-29', 0],
        ['2024-02-05', 2],
      ]);
      expect(insight.weeks.reduce((sum, week) => sum + week.cost_cents, 0)).toBe(insight.totals.cost_cents);
      const costOf = (email: string) => all.filter((record) => record.contributor.email === email).reduce((sum, record) => sum + record.costCents, 0);
      expect(insight.top_by_cost.map((person) => [person.email, person.cost_cents])).toEqual(
        ['ann@example.com', 'bob@example.com', 'cy@example.com'].map((email) => [email, costOf(email)]).sort((a, b) => (b[1] as number) - (a[1] as number)),
      );
      expect(insight.top_by_commits.map((person) => [person.email, person.commits])).toEqual([
        ['ann@example.com', 3],
        ['bob@example.com', 2],
        ['cy@example.com', 1],
      ]);
      const hello = insight.repositories.find((repository) => repository.name === 'octo/hello')!;
      expect(hello).toMatchObject({ commits: 3, contributions: 4, contributors: 2, last_commit_at: '2024-01-20T10:00:00.000Z', url: 'https://github.com/octo/hello' });
      const local = insight.repositories.find((repository) => repository.name === 'local-tool')!;
      expect(local).toMatchObject({ commits: 2, contributions: 2, contributors: 2, last_commit_at: '2024-02-06T09:00:00.000Z', url: null });
      expect(insight.repository_names).toEqual(['local-tool', 'octo/hello']);
    });

    it('lists the latest contributions newest first, with GitHub links only for GitHub repositories', async () => {
      const insight = await buildInsight(store, {}, { latest: 3 });
      expect(insight.latest.map((row) => [row.repository, row.commit_hash, row.contributor_email])).toEqual([
        ['local-tool', hashFor('b2'), 'ann@example.com'],
        ['local-tool', hashFor('b1'), 'cy@example.com'],
        ['octo/hello', hashFor('a3'), 'bob@example.com'],
      ]);
      expect(insight.latest[1]).toMatchObject({ subject: 'Fix </script> in docs', url: null, role: 'author' });
      expect(insight.latest[2]!.url).toBe(`https://github.com/octo/hello/commit/${hashFor('a3')}`);
    });

    it('applies the repository, contributor and date filters to every figure, and still names every repository', async () => {
      const insight = await buildInsight(store, { repository: 'octo/hello', contributor: 'bob@example.com', since: '2024-01-02T00:00:00.000Z', until: '2024-02-01T00:00:00.000Z' });
      expect(insight.totals).toMatchObject({ contributors: 1, commits: 2, contributions: 2 });
      expect(insight.repositories.map((repository) => repository.name)).toEqual(['octo/hello']);
      expect(insight.latest.map((row) => row.commit_hash)).toEqual([hashFor('a3'), hashFor('a2')]);
      expect(insight.repository_names).toEqual(['local-tool', 'octo/hello']);
      const nothing = await buildInsight(store, { since: '2030-01-01T00:00:00.000Z' });
      expect(nothing.totals).toEqual({ contributors: 0, commits: 0, contributions: 0, lines_added: 0, lines_deleted: 0, files_changed: 0, cost_cents: 0, mean_coherence: 0 });
      expect([nothing.weeks, nothing.coherence, nothing.repositories, nothing.latest, nothing.top_by_cost]).toEqual([[], [], [], [], []]);
    });

    it('agrees with report(), the rule every report follows, on people, repositories and weeks', async () => {
      const insight = await buildInsight(store, {}, { top: 100 });
      const people = await store.report({}, 'contributor');
      expect(insight.top_by_cost).toEqual(
        people.map((row) => ({ email: row.key, name: row.name, commits: row.commits, lines_added: row.lines_added, lines_deleted: row.lines_deleted, cost_cents: row.cost_cents, mean_coherence: row.mean_coherence })),
      );
      const repositories = await store.report({}, 'repository');
      expect(insight.repositories.map(({ name, commits, contributions, lines_added, lines_deleted, cost_cents, mean_coherence }) => ({ name, commits, contributions, lines_added, lines_deleted, cost_cents, mean_coherence }))).toEqual(
        repositories.map((row) => ({ name: row.key, commits: row.commits, contributions: row.contributions, lines_added: row.lines_added, lines_deleted: row.lines_deleted, cost_cents: row.cost_cents, mean_coherence: row.mean_coherence })),
      );
      const weeks = await store.report({}, 'week');
      expect(insight.weeks.filter((week) => week.commits > 0).map((week) => [week.week, week.commits, week.contributions, week.cost_cents, week.mean_coherence])).toEqual(
        weeks.map((row) => [row.key, row.commits, row.contributions, row.cost_cents, row.mean_coherence]),
      );
    });

    it('keeps its figures current through writes here and elsewhere, a co-author arriving later, a merge and a rescore', async () => {
      // Each server keeps its folds and adds what was inserted since; a store opened afresh folds every
      // row. After each change both must give the same insight, for every kind of selection.
      const selections = [{}, { repository: 'octo/hello' }, { since: '2024-01-02T00:00:00Z', until: '2024-02-06T00:00:00Z' }, { contributor: 'ann@example.com' }];
      const now = new Date('2024-03-01T00:00:00Z');
      const expectCurrent = async (step: string) => {
        const fresh = await handle.reopen();
        for (const selection of selections) {
          expect(await buildInsight(store, selection, { now }), `${step}: ${JSON.stringify(selection)}`).toEqual(await buildInsight(fresh, selection, { now }));
        }
      };
      await expectCurrent('as ingested');
      const other = await handle.reopen();
      await other.ingestIds(records([{ label: 'd1', repository: 'octo/new', author: 'dee@example.com', date: '2024-01-10T10:00:00Z', linesAdded: 3 }]));
      await store.ingestIds(records([{ label: 'd2', repository: 'octo/hello', author: 'cy@example.com', date: '2024-01-21T10:00:00Z', linesAdded: 7 }]));
      await expectCurrent('after inserts by this store and another');
      // A co-author of a1 recorded later, a week earlier: the commit moves to that week.
      await store.ingestIds(records([{ label: 'a1', repository: 'octo/hello', author: 'ann@example.com', coAuthors: ['dee@example.com'], date: '2023-12-27T10:00:00Z', linesAdded: 10 }]));
      await expectCurrent('after a co-author arrived');
      await other.mergeIdentities('ann@example.com', ['cy@example.com']);
      await expectCurrent('after a merge elsewhere');
      const previous = records([{ label: 'e1', repository: 'local-tool', author: 'bob@example.com', date: '2024-02-07T10:00:00Z', linesAdded: 0 }]).map((record) => ({
        ...record,
        ...previousModelScores(record.meta),
      }));
      await store.ingestIds(previous);
      await expectCurrent('with a row of the previous model');
      expect((await other.rescore({ limit: 1000 })).rescored).toBe(1);
      await expectCurrent('after a rescore elsewhere');
    });

    it.skipIf(kind.dialect !== 'postgres')('adds a row whose transaction was still open when the figures were kept, once', async () => {
      const now = new Date('2024-03-01T00:00:00Z');
      const client = await connectPostgres(handle.env.databaseUrl);
      try {
        // A writer that began first and commits last: the kept figures' snapshot sees what committed
        // after it began, but not its row, until it commits.
        await client.query('BEGIN');
        await client.query(
          `INSERT INTO contributions (id, contributor_id, asset_id, commit_hash, role, cost_cents, coherence_score, files_changed, lines_added,
             lines_deleted, timestamp, created_at, meta)
           SELECT 'slow-writer', contributor_id, asset_id, $1, 'author', 123, 0.5, 1, 1, 0, '2024-01-05T00:00:00Z', now(), '{}' FROM contributions LIMIT 1`,
          [hashFor('slow')],
        );
        await store.ingestIds(records([{ label: 'f1', repository: 'octo/hello', author: 'bob@example.com', date: '2024-01-06T10:00:00Z', linesAdded: 4 }]));
        const before = await buildInsight(store, {}, { now });
        await client.query('COMMIT');
        const after = await buildInsight(store, {}, { now });
        expect(after.totals.commits).toBe(before.totals.commits + 1);
        expect(after.totals.cost_cents).toBe(before.totals.cost_cents + 123);
        expect(after).toEqual(await buildInsight(await handle.reopen(), {}, { now }));
      } finally {
        await client.end();
      }
    });

    it.skipIf(kind.dialect !== 'postgres')('counts rows restored from another cluster, whose transactions lie in its future, as seen', async () => {
      const client = await connectPostgres(handle.env.databaseUrl);
      try {
        await client.query(
          `UPDATE contributions SET inserted_by = ((pg_snapshot_xmax(pg_current_snapshot())::text::numeric + 1000000)::text)::xid8
           WHERE commit_hash = $1`,
          [hashFor('a3')],
        );
        await handle.reopen();
        const { rows } = await client.query<{ restored: number; foreign: number }>(
          `SELECT COUNT(*) FILTER (WHERE commit_hash = $1 AND inserted_by IS NULL)::int AS restored,
             COUNT(*) FILTER (WHERE inserted_by >= pg_snapshot_xmax(pg_current_snapshot()))::int AS foreign
           FROM contributions`,
          [hashFor('a3')],
        );
        expect(rows[0]).toEqual({ restored: 1, foreign: 0 });
      } finally {
        await client.end();
      }
    });

    it('says when each repository last received a contribution, which a duplicate does not move', async () => {
      const before = await store.repositoryActivity();
      expect(before.map((row) => row.repository)).toEqual(['local-tool', 'octo/hello']);
      for (const row of before) expect(Date.parse(row.last_received_at)).toBeGreaterThan(Date.now() - 60_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await store.ingestIds(all.slice(0, 2));
      expect(await store.repositoryActivity()).toEqual(before);
      await store.ingestIds(records([{ label: 'c1', repository: 'octo/hello', author: 'dee@example.com', date: '2023-06-01T00:00:00Z', linesAdded: 1 }]));
      const after = await store.repositoryActivity();
      expect(after[0]).toEqual(before[0]);
      expect(Date.parse(after[1]!.last_received_at)).toBeGreaterThan(Date.parse(before[1]!.last_received_at));
    });
  });
}
