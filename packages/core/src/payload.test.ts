import { describe, expect, it } from 'vitest';
import { clientMetadata, recordFromPayload } from './payload.js';
import { contributionsForCommit } from './contribution.js';

const received = new Date('2024-05-01T12:00:00Z');

describe('recordFromPayload', () => {
  it('takes the established payload as its clients send it: only files_changed and lines_added', () => {
    const record = recordFromPayload(
      { contributor_email: 'Test@Example.com', repository: 'seeker71/Coherence-Network', commit_hash: 'ABC123', cost_amount: 100, metadata: { files_changed: 3, lines_added: 50 } },
      received,
    );
    expect(record).toMatchObject({ commitHash: 'abc123', costCents: 65, coherence: 0.8, timestamp: '2024-05-01T12:00:00.000Z' });
    expect(record.contributor).toEqual({ name: 'test@example.com', email: 'test@example.com' });
    expect(record.meta).toMatchObject({ files_changed: 3, lines_added: 50, lines_deleted: 0 });
    expect(record.meta.cost).toMatchObject({ basis: 'submitted_metadata', confidence: 0.7, submitted_cents: 10_000 });
    expect(record.meta.client_metadata).toBeUndefined();
  });

  it('counts missing metadata, or missing figures, as 0', () => {
    for (const metadata of [undefined, {}, { lines_deleted: 0 }]) {
      const record = recordFromPayload({ contributor_email: 'a@b.c', repository: 'o/r', commit_hash: 'abcd', cost_amount: '0.10', metadata }, received);
      expect(record).toMatchObject({ costCents: 10, coherence: 0.5 });
      expect(record.meta).toMatchObject({ files_changed: 0, lines_added: 0, lines_deleted: 0 });
    }
  });

  it("keeps the client's own keys, and only those, as client_metadata", () => {
    const metadata = { files_changed: 1, lines_added: 2, pr_number: 7, labels: ['x'], nested: { a: [1, null] } };
    const record = recordFromPayload({ contributor_email: 'a@b.c', repository: 'o/r', commit_hash: 'abcd', cost_amount: 0.1, metadata }, received);
    expect(record.meta.client_metadata).toEqual({ pr_number: 7, labels: ['x'], nested: { a: [1, null] } });
    const own = clientMetadata(JSON.parse('{"__proto__": {"p": 1}, "lines_added": 3}'));
    expect(Object.keys(own!)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(own)).toBe(Object.prototype);
  });

  it('gives an address-less author the synthetic address a local backfill gives', () => {
    const record = recordFromPayload({ contributor_email: '  ', repository: 'o/r', commit_hash: 'abcd', cost_amount: 0.1, metadata: { contributor_name: 'No Mail' } }, received);
    const noMail = { name: 'No Mail', email: '', date: '2024-05-01T12:00:00Z' };
    const commit = { hash: 'a'.repeat(40), parents: [], author: noMail, committer: noMail, subject: 's', message: 's', files: [] };
    const [tracked] = contributionsForCommit(commit, 'o/r');
    expect(record.contributor.email).toBe('no.mail@unknown.invalid');
    expect(record.contributor.email).toBe(tracked!.contributor.email);
  });
});
