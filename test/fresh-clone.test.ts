// What a fresh clone meets before anything is built: the README's commands must run unattended, and
// `pnpm install` must link every package's bin to a file that is already there (it links bins before
// `prepare` builds dist/, and warns for a bin that does not exist yet).

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const tracked = new Set(execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n'));

describe('a fresh clone', () => {
  it('links bins to committed files, not to build output', () => {
    const manifests = [...tracked].filter((path) => /^packages\/[^/]+\/package\.json$/.test(path));
    expect(manifests.length).toBeGreaterThan(0);
    for (const manifest of manifests) {
      const { bin } = JSON.parse(readFileSync(join(root, manifest), 'utf8')) as { bin?: string | Record<string, string> };
      for (const target of typeof bin === 'string' ? [bin] : Object.values(bin ?? {})) {
        const path = join(manifest, '..', target).replaceAll('\\', '/');
        expect(tracked.has(path), `${manifest} bin ${target}`).toBe(true);
        expect(path).not.toMatch(/\/dist\//);
      }
    }
  });

  it("runs the README's npx commands without a prompt (npx cancels without --yes when there is no TTY)", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!);
    const npx = blocks.flatMap((block) => [...block.matchAll(/\bnpx\b[^&|;\n]*/g)].map((match) => match[0]));
    expect(npx.length).toBeGreaterThanOrEqual(4);
    for (const command of npx) expect(command, command).toMatch(/^npx --yes /);
  });
});
