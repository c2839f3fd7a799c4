// Finding a commit's contributions by a full hash or an abbreviation. Hashes are stored as given
// (lower-cased), so a short hash posted by one client and the full hash posted by another are two
// keys; a lookup finds both: rows whose hash starts with the one asked for, and rows whose (shorter)
// hash the one asked for starts with.

/** git's shortest abbreviation, and the shortest hash a client may post or look up. */
export const MIN_ABBREVIATION = 4;

export interface CommitLookup {
  /** Lower-cased: stored hashes starting with it lie in [from, to) under any collation that orders hex digits. */
  hash: string;
  from: string;
  to: string;
  /** Its abbreviations down to MIN_ABBREVIATION, each of which a stored hash may equal. */
  shorter: string[];
}

export function commitLookup(sha: string): CommitLookup {
  const hash = sha.toLowerCase();
  const shorter: string[] = [];
  for (let length = MIN_ABBREVIATION; length < hash.length; length += 1) shorter.push(hash.slice(0, length));
  // "g" follows every hex digit, so nothing that starts with the hash sorts at or after hash + "g".
  return { hash, from: hash, to: `${hash}g`, shorter };
}
