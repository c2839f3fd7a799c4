// A long linear history made in one `git fast-import` run: thousands of commits in well under a second,
// for tests that need output larger than a pipe buffer (streaming, parallel reads, backpressure).

import { GitFixture } from './fixture-repository.js';

export interface LongHistoryOptions {
  /** Files the commits spread their edits over. */
  files?: number;
  /** Pads each subject to this many characters (for payloads too big to post 1,000 at a time). */
  subjectLength?: number;
}

/**
 * `count` commits on main, each editing one to three files with a few added and removed lines, by
 * a rotating cast of 20 authors, one hour apart from 2020-01-01. Deterministic for a given count.
 */
export function buildLongHistory(count: number, options: LongHistoryOptions = {}): GitFixture {
  const fixture = GitFixture.create({ prefix: 'coherence-long-' });
  fixture.git(['fast-import', '--quiet'], { input: fastImportStream(count, options.files ?? 50, options.subjectLength ?? 0) });
  fixture.git(['reset', '--quiet', '--hard', 'main']);
  return fixture;
}

function fastImportStream(count: number, fileCount: number, subjectLength: number): string {
  const contents = new Map<string, string[]>();
  const parts: string[] = [];
  let seed = 7;
  const random = (limit: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % limit;
  };
  for (let index = 1; index <= count; index += 1) {
    const time = Date.UTC(2020, 0, 1) / 1000 + index * 3600;
    const who = `Author ${index % 20} <author${index % 20}@example.com>`;
    const message = `${`Change ${index} `.padEnd(subjectLength, 'é')}\n`;
    parts.push(`commit refs/heads/main\nmark :${index}\nauthor ${who} ${time} +0000\ncommitter ${who} ${time} +0000\n`);
    parts.push(`data ${Buffer.byteLength(message)}\n${message}${index > 1 ? `from :${index - 1}\n` : ''}`);
    for (let edit = 0, edits = 1 + random(3); edit < edits; edit += 1) {
      const path = `src/module-${random(fileCount)}.ts`;
      const lines = contents.get(path) ?? Array.from({ length: 10 }, (_, line) => `export const line${line} = ${line};`);
      lines.splice(random(lines.length), random(2), `export const change${index}_${edit} = ${random(1000)};`);
      contents.set(path, lines);
      const data = `${lines.join('\n')}\n`;
      parts.push(`M 100644 inline ${path}\ndata ${Buffer.byteLength(data)}\n${data}`);
    }
    parts.push('\n');
  }
  return parts.join('');
}
