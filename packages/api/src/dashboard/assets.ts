// The dashboard's built script and style (scripts/bundle-dashboard.mjs writes them to dist/web when
// the package is built), read once and kept in memory.

import { readFileSync } from 'node:fs';

export interface DashboardAssets {
  script: string;
  style: string;
}

// src/dashboard/ and dist/dashboard/ are both two levels under the package, so this finds the bundle
// whether the sources run (tests) or the build does.
const WEB_DIR = new URL('../../dist/web/', import.meta.url);

let loaded: DashboardAssets | undefined;

/** Throws DashboardMissingError when the package was built without its dashboard. */
export function dashboardAssets(): DashboardAssets {
  if (loaded) return loaded;
  try {
    loaded = {
      script: readFileSync(new URL('dashboard.js', WEB_DIR), 'utf8'),
      style: readFileSync(new URL('dashboard.css', WEB_DIR), 'utf8'),
    };
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
