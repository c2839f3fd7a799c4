// Splitting a range of history into N contiguous shards of about equal work, the same way on every
// machine: `track --shard K/N` on N runners records, between them, exactly what one run records.

export interface Shard {
  /** 1-based: the K of K/N. */
  index: number;
  /** N: how many shards the range is split into. */
  count: number;
}

/** More shards than any runner matrix holds (GitHub's is 256 jobs): a typo, not a plan. */
export const MAX_SHARDS = 10_000;

/**
 * How many commits' changed files are counted to estimate the work along a range. Counting is git's tree
 * diff alone (no file is read), but the samples lie far apart, so each reads its trees cold: about as much
 * as reading a commit in full. Every shard counts the same samples, so they are kept to one commit in
 * SAMPLE_EVERY of a shard's share (~1% of its work), between MIN and MAX samples over the whole range.
 */
export const SAMPLE_EVERY = 128;
export const MIN_WORK_SAMPLES = 16;
export const MAX_WORK_SAMPLES = 256;

/** Samples for a range of `length` commits cut into `count` shards. */
export function workSamples(length: number, count: number): number {
  return Math.min(length, MAX_WORK_SAMPLES, Math.max(MIN_WORK_SAMPLES, Math.ceil(length / (SAMPLE_EVERY * Math.max(1, count)))));
}

/** Samples either side of a commit whose median stands for it: one giant commit does not tip a region. */
const NEIGHBOURHOOD = 2;

export type ShardParse = { ok: true; shard: Shard } | { ok: false; problem: string };

/** "K/N" with 1 ≤ K ≤ N; the problem, when there is one, says what is expected. */
export function parseShard(text: string): ShardParse {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) return { ok: false, problem: `expected K/N, such as 1/4, got "${text}"` };
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > MAX_SHARDS) return { ok: false, problem: `N must be from 1 to ${MAX_SHARDS}, got "${text}"` };
  if (index < 1 || index > count) return { ok: false, problem: `K must be from 1 to N (${count}), got "${text}"` };
  return { ok: true, shard: { index, count } };
}

export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

/** The list positions whose commits are sampled: evenly spread, the middle of each of `samples` equal runs. */
export function samplePositions(length: number, samples: number): number[] {
  const count = Math.min(length, Math.max(1, samples));
  return Array.from({ length: count }, (_, sample) => Math.floor(((2 * sample + 1) * length) / (2 * count)));
}

/**
 * Estimated work per commit, from the files changed by the sampled commits (as samplePositions chose
 * them): a sampled commit weighs 1 + its own files; any other, 1 + the median of the nearby samples.
 * A commit is at least 1, so a stretch of empty commits still counts.
 */
export function estimateWork(length: number, sampledFiles: readonly number[]): number[] {
  const samples = sampledFiles.length;
  if (samples === 0) return new Array<number>(length).fill(1);
  const positions = samplePositions(length, samples);
  const local = sampledFiles.map((_, sample) => {
    const nearby = sampledFiles.slice(Math.max(0, sample - NEIGHBOURHOOD), sample + NEIGHBOURHOOD + 1);
    return median(nearby);
  });
  const weights = new Array<number>(length);
  for (let position = 0; position < length; position += 1) {
    // The run this position belongs to, whose sample stands for it.
    const sample = Math.min(samples - 1, Math.floor((position * samples) / length));
    weights[position] = 1 + (positions[sample] === position ? sampledFiles[sample]! : local[sample]!);
  }
  return weights;
}

/**
 * Where each shard starts and ends in the list: `count + 1` positions from 0 to weights.length; shard K
 * is [bounds[K-1], bounds[K]). Each cut falls where the work before it is nearest to K/N of the whole,
 * in integers, so every machine cuts at the same place. A shard can be empty when N exceeds the commits.
 */
export function shardBounds(weights: readonly number[], count: number): number[] {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const bounds = [0];
  let position = 0;
  let before = 0;
  for (let cut = 1; cut < count; cut += 1) {
    // Advance while the next position is at least as close to cut/count of the total as this one.
    const target = cut * total;
    while (position < weights.length && Math.abs(count * (before + weights[position]!) - target) < Math.abs(count * before - target)) {
      before += weights[position]!;
      position += 1;
    }
    bounds.push(position);
  }
  bounds.push(weights.length);
  return bounds;
}

/** Shard K of `list`, split by `weights` (one per item). */
export function shardOf<T>(list: readonly T[], weights: readonly number[], shard: Shard): T[] {
  if (weights.length !== list.length) throw new RangeError('one weight per item is needed');
  const bounds = shardBounds(weights, shard.count);
  return list.slice(bounds[shard.index - 1], bounds[shard.index]);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}
