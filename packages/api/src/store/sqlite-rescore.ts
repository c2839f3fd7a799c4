// Rescoring in the SQLite store: core's rescoreContribution decides; this reads each row's meta text,
// hands the rule the figures it uses, and splices the members the rule replaced (cost, coherence,
// rescores) into the stored text. Parsing and re-serialising whole meta documents, in JavaScript or
// with SQLite's JSON functions, cost more than the rest of a rescore together.

import type Database from 'better-sqlite3';
import { COHERENCE_VERSION, COST_ESTIMATOR_VERSION, rescoreContribution, type RescoreResult } from '@coherence/core';
import { InvalidCursorError } from './cursor.js';
import { findMembers, onlySpaceAfter } from './json-members.js';
import type { RescoreChunk, RescoreRequest } from './identities.js';

/** Rows read per query inside a chunk's transaction: few enough that they die young in the JavaScript heap. */
const READ_ROWS = 1_000;

/**
 * One chunk of rows not at the current model versions, in rowid order, rescored in one transaction.
 * The totals triggers (migration 4) move the repositories' totals in the same transaction, so totals
 * equal their sums after every chunk (and after a kill).
 * Rows are read whole and the rule tells which are current: filtering them in SQL parses every row's
 * meta with SQLite's JSON functions, which costs more than a row's rescore saves. Where most rows read
 * turn out current (a second run), the rest of the chunk is read through that filter after all.
 */
export function rescoreChunk(db: Database.Database, request: RescoreRequest): RescoreChunk {
  if (!/^\d{1,15}$/.test(request.after ?? '0')) throw new InvalidCursorError();
  const after = Number(request.after ?? '0');
  const at = request.at ?? new Date().toISOString();
  const columns = 'SELECT rowid, cost_cents, coherence_score, meta FROM contributions WHERE rowid > ?';
  const readAll = db.prepare(`${columns} ORDER BY rowid LIMIT ?`).raw(true);
  const readStale = db
    .prepare(`${columns} AND (json_extract(meta, '$.cost.version') IS NOT ? OR json_extract(meta, '$.coherence.version') IS NOT ?) ORDER BY rowid LIMIT ?`)
    .raw(true);
  // Only the columns that change are set: setting coherence_score rewrites the row's entry in the
  // covering index (migration 5) even when the score stays, and cost_cents fires the totals trigger.
  // Positional parameters: binding them measured a quarter cheaper than named ones, per row.
  const setMeta = db.prepare('UPDATE contributions SET meta = ? WHERE rowid = ?');
  const setScore = db.prepare('UPDATE contributions SET meta = ?, coherence_score = ? WHERE rowid = ?');
  const setCost = db.prepare('UPDATE contributions SET meta = ?, cost_cents = ? WHERE rowid = ?');
  const setBoth = db.prepare('UPDATE contributions SET meta = ?, coherence_score = ?, cost_cents = ? WHERE rowid = ?');
  // The dashboard's folds (migration 8) are made again once scores moved; no trigger watches coherence_score.
  const moveInsightEpoch = db.prepare('UPDATE insight_epoch SET n = n + 1');
  const rescoreRows = (): RescoreChunk => {
    const chunk: RescoreChunk = { examined: 0, rescored: 0, skipped: 0, cost_cents_change: 0, next: null };
    let cursor = after;
    let filtered = false;
    for (;;) {
      // No more rows than the chunk may still examine: a small chunk reads no more than it needs.
      const batch = Math.min(READ_ROWS, request.limit - chunk.examined);
      if (batch <= 0) return chunk;
      const rows = (filtered ? readStale.all(cursor, COST_ESTIMATOR_VERSION, COHERENCE_VERSION, batch) : readAll.all(cursor, batch)) as StoredRow[];
      let current = 0;
      for (const [rowid, costCents, coherence, meta] of rows) {
        cursor = rowid;
        const result = rescoreStoredMeta(meta, costCents, coherence, at);
        if (result.status === 'current') {
          current += 1;
          continue;
        }
        chunk.examined += 1;
        if (result.status === 'skipped') chunk.skipped += 1;
        else {
          if (result.costCents === costCents) {
            if (result.coherence === coherence) setMeta.run(result.meta, rowid);
            else setScore.run(result.meta, result.coherence, rowid);
          } else if (result.coherence === coherence) setCost.run(result.meta, result.costCents, rowid);
          else setBoth.run(result.meta, result.coherence, result.costCents, rowid);
          chunk.rescored += 1;
          chunk.cost_cents_change += result.costCents - costCents;
        }
        if (chunk.examined === request.limit) {
          chunk.next = String(rowid);
          return chunk;
        }
      }
      if (rows.length < batch) return chunk;
      if (current * 2 > rows.length) filtered = true;
    }
  };
  return db
    .transaction((): RescoreChunk => {
      const chunk = rescoreRows();
      if (chunk.rescored > 0) moveInsightEpoch.run();
      return chunk;
    })
    .immediate();
}

type StoredRow = [rowid: number, costCents: number, coherence: number, meta: string];

type TextRescore = Exclude<RescoreResult, { status: 'rescored' }> | { status: 'rescored'; costCents: number; coherence: number; meta: string };

// The members of meta the rule reads; findMembers puts member k's span at spans[2k], spans[2k + 1].
const META_MEMBERS = ['files_changed', 'lines_added', 'lines_deleted', 'has_tests', 'has_docs', 'cost', 'coherence', 'rescores'];
const FILES_CHANGED = 0;
const LINES_ADDED = 2;
const LINES_DELETED = 4;
const HAS_TESTS = 6;
const HAS_DOCS = 8;
const COST = 10;
const COHERENCE = 12;
const RESCORES = 14;
const VERSION_MEMBER = ['version'];

const spans = new Int32Array(META_MEMBERS.length * 2);
const versionSpan = new Int32Array(2);

/** What memberVersion finds where no object is, and where an object is that findMembers cannot read. */
const NOT_AN_OBJECT = Symbol('not an object');
const UNREADABLE = Symbol('unreadable');

/**
 * A stored row rescored from its meta text: the rule's verdict, with the new meta text when it moved.
 * Text findMembers cannot read takes the whole-document path, which gives the same result.
 */
export function rescoreStoredMeta(text: string, costCents: number, coherence: number, at: string): TextRescore {
  const end = findMembers(text, 0, META_MEMBERS, spans);
  if (end < 0 || !onlySpaceAfter(text, end)) return rescoreWholeMeta(text, costCents, coherence, at);
  let meta;
  try {
    const coherenceVersion = memberVersion(text, spans[COHERENCE]!);
    if (coherenceVersion === UNREADABLE) return rescoreWholeMeta(text, costCents, coherence, at);
    meta = {
      files_changed: member(text, FILES_CHANGED),
      lines_added: member(text, LINES_ADDED),
      lines_deleted: member(text, LINES_DELETED),
      has_tests: member(text, HAS_TESTS),
      has_docs: member(text, HAS_DOCS),
      cost: member(text, COST),
      // The rule reads only the version of the coherence it replaces.
      coherence: coherenceVersion === NOT_AN_OBJECT ? undefined : { version: coherenceVersion },
      rescores: member(text, RESCORES),
    };
  } catch {
    return rescoreWholeMeta(text, costCents, coherence, at);
  }
  const result = rescoreContribution({ costCents, coherence, meta }, at);
  if (result.status !== 'rescored') return result;
  const history = JSON.stringify(result.meta.rescores);
  const edits: Edit[] = [
    [spans[COST]!, spans[COST + 1]!, JSON.stringify(result.meta.cost)],
    [spans[COHERENCE]!, spans[COHERENCE + 1]!, JSON.stringify(result.meta.coherence)],
    // No history yet: the member goes last, where json_set would add it.
    spans[RESCORES] === -1 ? [end - 1, end - 1, `,"rescores":${history}`] : [spans[RESCORES]!, spans[RESCORES + 1]!, history],
  ];
  return { status: 'rescored', costCents: result.costCents, coherence: result.coherence, meta: splice(text, edits) };
}

/** The path for text findMembers cannot read (or JSON that is not an object): parse it all. */
function rescoreWholeMeta(text: string, costCents: number, coherence: number, at: string): TextRescore {
  let meta: unknown;
  try {
    meta = JSON.parse(text);
  } catch {
    return { status: 'skipped', reason: 'meta is not JSON' };
  }
  const result = rescoreContribution({ costCents, coherence, meta }, at);
  return result.status === 'rescored' ? { ...result, meta: JSON.stringify(result.meta) } : result;
}

/** The `version` member of the object at `start` (undefined when it has none), or what is there instead. */
function memberVersion(text: string, start: number): unknown {
  if (start === -1 || text.charCodeAt(start) !== 0x7b) return NOT_AN_OBJECT;
  if (findMembers(text, start, VERSION_MEMBER, versionSpan) < 0) return UNREADABLE;
  return versionSpan[0] === -1 ? undefined : decode(text, versionSpan[0]!, versionSpan[1]!);
}

/** The value of the member whose span findMembers put at `index`; undefined when absent. */
function member(text: string, index: number): unknown {
  const start = spans[index]!;
  return start === -1 ? undefined : decode(text, start, spans[index + 1]!);
}

/**
 * The JSON value text[start, end) decodes to. Whole numbers, true, false and strings without escapes
 * are read directly: a JSON.parse call per member cost a quarter of a row's rescore.
 */
function decode(text: string, start: number, end: number): unknown {
  const first = text.charCodeAt(start);
  if (first === 0x74 && end - start === 4) return true;
  if (first === 0x66 && end - start === 5) return false;
  if (first === 0x22) {
    const inner = text.slice(start + 1, end - 1);
    if (!inner.includes('\\')) return inner;
  } else if (end - start <= 15) {
    let value = 0;
    let at = start;
    for (; at < end; at += 1) {
      const digit = text.charCodeAt(at) - 0x30;
      if (digit < 0 || digit > 9) break;
      value = value * 10 + digit;
    }
    // A leading zero is only valid alone; anything else (signs, fractions, exponents) goes to the parser.
    if (at === end && (first !== 0x30 || end - start === 1)) return value;
  }
  return JSON.parse(text.slice(start, end));
}

type Edit = [start: number, end: number, replacement: string];

/** The text with each span replaced; the spans do not overlap. */
function splice(text: string, edits: Edit[]): string {
  edits.sort((a, b) => a[0] - b[0]);
  let spliced = '';
  let from = 0;
  for (const [start, end, replacement] of edits) {
    spliced += text.slice(from, start) + replacement;
    from = end;
  }
  return spliced + text.slice(from);
}
