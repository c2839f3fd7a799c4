// The spool: contributions the API could not take yet, kept on disk so nothing is lost.
// One JSON line per payload; `coherence flush` sends them again and keeps only what still fails.

import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ContributionPayload } from '@coherence/core';

export interface SpooledItem {
  payload: ContributionPayload;
  /** Why it is here: the last error, or the API's reason for rejecting it. */
  reason: string;
  spooled_at: string;
}

export class Spool {
  constructor(readonly path: string) {}

  /** Appends and syncs to disk before returning, so a crash right after cannot lose the items. */
  append(payloads: readonly ContributionPayload[], reason: string): void {
    if (payloads.length === 0) return;
    mkdirSync(dirname(this.path), { recursive: true });
    const at = new Date().toISOString();
    const lines = payloads.map((payload) => JSON.stringify({ payload, reason, spooled_at: at } satisfies SpooledItem)).join('\n');
    appendFileSync(this.path, `${lines}\n`);
    const fd = openSync(this.path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  read(): SpooledItem[] {
    if (!existsSync(this.path)) return [];
    return readFileSync(this.path, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as SpooledItem);
  }

  /** Replaces the spool's content atomically (write aside, then rename); an empty spool is removed. */
  replace(items: readonly SpooledItem[]): void {
    if (items.length === 0) {
      rmSync(this.path, { force: true });
      return;
    }
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${items.map((item) => JSON.stringify(item)).join('\n')}\n`);
    renameSync(temporary, this.path);
  }
}
