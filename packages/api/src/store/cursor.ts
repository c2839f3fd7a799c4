// Opaque pagination cursors: the (timestamp, id) of the last row served, so pages stay stable under inserts.

import type { Page } from './types.js';

export interface CursorPosition {
  sortKey: string;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.sortKey, position.id])).toString('base64url');
}

/** Undefined for anything that is not a cursor this server issued. */
export function decodeCursor(cursor: string): CursorPosition | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      return { sortKey: value[0], id: value[1] };
    }
  } catch {
    // fall through: not ours
  }
  return undefined;
}

export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not valid');
    this.name = 'InvalidCursorError';
  }
}

/** A cursor a store may use in SQL: one it issued, whose sort key is a timestamp. */
export function decodePageCursor(cursor: string): CursorPosition {
  const position = decodeCursor(cursor);
  // Anything else is refused before it reaches SQL (PostgreSQL would fail to cast it).
  if (!position || Number.isNaN(Date.parse(position.sortKey))) throw new InvalidCursorError();
  return position;
}

/** Rows fetched with limit + 1: the extra row only says another page exists. */
export function paginate<T>(rows: T[], limit: number, position: (row: T) => CursorPosition): Page<T> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  return { items, nextCursor: encodeCursor(position(items[items.length - 1]!)) };
}
