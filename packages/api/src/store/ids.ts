// Row ids, derived from what a row is rather than drawn at random, so the same records get the same ids
// wherever and in whatever order they are written: N shards of a backfill, posted by N machines, give the
// ids one run gives, and a re-run or a replay changes nothing.
//
// - a person and a repository: UUIDv5 (RFC 9562, name-based, SHA-1) of the email / the type and name;
// - a contribution: UUIDv8 whose first 48 bits are its commit's time in milliseconds, like UUIDv7's, and
//   whose other bits are a SHA-256 of its unique key. Ordered by commit time, a backfill's rows land in a
//   few runs of the primary-key index (one per reader) instead of anywhere in it.
// newId() is left for rows that have no natural key.

import { createHash, hash, randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const RANDOM_BYTES = 10;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

/** A random UUIDv7: a millisecond timestamp, then random bits. */
export function newId(now = Date.now()): string {
  if (offset + RANDOM_BYTES > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = Buffer.allocUnsafe(16);
  bytes.writeUIntBE(now, 0, 6);
  pool.copy(bytes, 6, offset, offset + RANDOM_BYTES);
  offset += RANDOM_BYTES;
  return format(bytes, 7);
}

/** The namespace of Coherence's name-based ids: the UUIDv5 of https://github.com/coherence-dev/coherence in the URL namespace. */
const NAMESPACE = Buffer.from('84f3b78fee025ed89056a74a53f02f9a', 'hex');

/** A contributor's id, from the address they are stored under. */
export function contributorId(email: string): string {
  return nameBasedId(`contributor\u0000${email}`);
}

/** An asset's id, from its type and name (a repository's `owner/name`). */
export function assetId(assetType: string, name: string): string {
  return nameBasedId(`asset\u0000${assetType}\u0000${name}`);
}

const MAX_MILLISECONDS = 2 ** 48 - 1;

/** A contribution's id, from its unique key (asset, commit, contributor) and its commit's time. */
export function contributionId(key: { assetId: string; commitHash: string; contributorId: string }, timestamp: string): string {
  // One-shot hash: a Hash object per row cost more than the digest itself.
  const digest = hash('sha256', `${key.assetId}\u0000${key.commitHash}\u0000${key.contributorId}`, 'buffer');
  const milliseconds = Date.parse(timestamp);
  const bytes = Buffer.allocUnsafe(16);
  bytes.writeUIntBE(Number.isFinite(milliseconds) ? Math.min(MAX_MILLISECONDS, Math.max(0, milliseconds)) : 0, 0, 6);
  digest.copy(bytes, 6, 0, 10);
  return format(bytes, 8);
}

function nameBasedId(name: string): string {
  const digest = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  return format(digest.subarray(0, 16), 5);
}

function format(bytes: Buffer, version: number): string {
  bytes[6] = (bytes[6]! & 0x0f) | (version << 4);
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
