// The dashboard's built script and style (scripts/bundle-dashboard.mjs writes them to dist/web when
// the package is built), read once and kept in memory, with the compressed copies the build made.

import { existsSync, readFileSync } from 'node:fs';
import type { Compressed, Encoding } from '../content-encoding.js';

export interface DashboardAssets {
  script: string;
  style: string;
  /** The served page's first script, which starts its request early (not in the report). */
  request: string;
  /** Compressed by the build, by file name (dashboard.js …); absent ones are compressed when served. */
  compressed: Record<string, Partial<Record<Encoding, Compressed>>>;
}

// src/dashboard/ and dist/dashboard/ are both two levels under the package, so this finds the bundle
// whether the sources run (tests) or the build does.
const WEB_DIR = new URL('../../dist/web/', import.meta.url);
const SUFFIXES: Record<Encoding, string> = { br: '.br', gzip: '.gz' };

let loaded: DashboardAssets | undefined;

/** Throws DashboardMissingError when the package was built without its dashboard. */
export function dashboardAssets(): DashboardAssets {
  if (loaded) return loaded;
  try {
    const read = (name: string) => readFileSync(new URL(name, WEB_DIR), 'utf8');
    const compressed: DashboardAssets['compressed'] = {};
    for (const name of ['dashboard.js', 'dashboard.css', 'request.js']) {
      compressed[name] = {};
      for (const [encoding, suffix] of Object.entries(SUFFIXES) as Array<[Encoding, string]>) {
        const file = new URL(`${name}${suffix}`, WEB_DIR);
        if (existsSync(file)) compressed[name]![encoding] = readFileSync(file) as Compressed;
      }
    }
    loaded = { script: read('dashboard.js'), style: read('dashboard.css'), request: read('request.js'), compressed };
  } catch (error) {
    throw new DashboardMissingError((error as Error).message);
  }
  return loaded;
}

export class DashboardMissingError extends Error {
  constructor(reason: string) {
    super(`the dashboard's script is not built (run "pnpm build"): ${reason}`);
    this.name = 'DashboardMissingError';
  }
}
