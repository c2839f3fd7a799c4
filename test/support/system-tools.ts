// Programs some tests drive that are not npm packages: promtool (Debian's `prometheus` package) and
// Chromium (Debian's `chromium`). `.ci/run` installs them; under CI a missing one fails the suite,
// elsewhere the tests that need it are skipped with a loud notice.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface SystemTool {
  /** Where it is; undefined when it is missing (and not under CI). */
  path: string | undefined;
  /** Why the tests that need it are skipped. */
  skipReason: string | undefined;
}

const CANDIDATES: Record<string, readonly string[]> = {
  promtool: ['promtool'],
  chromium: ['chromium', 'chromium-browser', 'google-chrome'],
};

const PACKAGES: Record<string, string> = { promtool: 'prometheus', chromium: 'chromium' };

export function systemTool(name: 'promtool' | 'chromium'): SystemTool {
  const override = process.env[`COHERENCE_TEST_${name.toUpperCase()}`];
  const path = override && existsSync(override) ? override : CANDIDATES[name]!.map(onPath).find((found) => found !== undefined);
  if (path !== undefined) return { path, skipReason: undefined };
  const reason = `${name} is not installed (apt-get install -y ${PACKAGES[name]})`;
  if (process.env.CI) throw new Error(`${reason}; CI needs it: .ci/run installs it`);
  const line = '*'.repeat(100);
  console.warn(`\n${line}\n*** SKIPPING the tests that need ${name}: ${reason}\n${line}\n`);
  return { path: undefined, skipReason: reason };
}

function onPath(command: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}
