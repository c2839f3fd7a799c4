// Generates a large, realistic-looking git history for benchmarks: many authors, dated commits,
// edits across a few hundred files, renames and binary files. Deterministic for a given size and seed.
// Usage: node scripts/generate-history.mjs <dir> [commits=20000] [--packed]

import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

const AUTHORS = Array.from({ length: 12 }, (_, index) => ({
  name: `Developer ${String.fromCharCode(65 + index)}`,
  email: `dev${index}@example.com`,
}));
const WORDS = ['parse', 'render', 'value', 'state', 'index', 'buffer', 'result', 'config', 'stream', 'token', 'cache', 'node'];

function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function line(next) {
  const pick = () => WORDS[Math.floor(next() * WORDS.length)];
  return `  const ${pick()}_${Math.floor(next() * 1000)} = ${pick()}(${pick()}, ${Math.floor(next() * 100)});`;
}

/** `packed`: repack the history as a clone holds it (pack-objects' deltas), instead of fast-import's own pack. */
export async function generateHistory(dir, commits = 20_000, seed = 42, { packed = false } = {}) {
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);
  execFileSync('git', ['-C', dir, 'config', 'gc.auto', '0']);
  const importer = spawn('git', ['-C', dir, 'fast-import', '--quiet'], { stdio: ['pipe', 'inherit', 'inherit'] });
  const exited = new Promise((resolve, reject) => importer.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`fast-import exited ${code}`)))));
  const next = random(seed);
  const files = new Map();
  let fileCounter = 0;
  const newPath = () => {
    fileCounter += 1;
    const ext = next() < 0.15 ? 'test.ts' : next() < 0.1 ? 'md' : 'ts';
    return `src/module${fileCounter % 23}/file${fileCounter}.${ext}`;
  };
  let time = Date.UTC(2015, 0, 1) / 1000;
  let pending = [];
  let pendingBytes = 0;
  const write = async (data) => {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    pending.push(bytes);
    pendingBytes += bytes.length;
    if (pendingBytes > 1 << 20) await flush();
  };
  const flush = async () => {
    const chunk = Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    if (!importer.stdin.write(chunk)) await new Promise((resolve) => importer.stdin.once('drain', resolve));
  };

  for (let index = 0; index < commits; index += 1) {
    time += 600 + Math.floor(next() * 7200);
    const author = AUTHORS[Math.floor(next() * AUTHORS.length)];
    const operations = [];
    if (index === 0 || files.size < 40) {
      for (let count = 0; count < 10; count += 1) {
        const path = newPath();
        files.set(path, Array.from({ length: 20 + Math.floor(next() * 120) }, () => line(next)));
        operations.push(['M', path]);
      }
    } else {
      const paths = [...files.keys()];
      const touched = 1 + Math.floor(next() * 4);
      for (let count = 0; count < touched; count += 1) {
        const path = paths[Math.floor(next() * paths.length)];
        const lines = files.get(path);
        if (!lines) continue;
        const at = Math.floor(next() * lines.length);
        const removed = Math.floor(next() * 6);
        const added = Array.from({ length: Math.floor(next() * 15) }, () => line(next));
        lines.splice(at, removed, ...added);
        operations.push(['M', path]);
      }
      if (index % 150 === 0) {
        const from = paths[Math.floor(next() * paths.length)];
        const to = newPath();
        // A file edited in this same commit is not also moved away (its edit would have no content).
        if (files.has(from) && !operations.some(([, path]) => path === from)) {
          const lines = files.get(from);
          files.delete(from);
          lines.push(line(next));
          files.set(to, lines);
          operations.push(['D', from], ['M', to]);
        }
      }
      if (index % 40 === 0) {
        const path = newPath();
        files.set(path, Array.from({ length: 30 + Math.floor(next() * 200) }, () => line(next)));
        operations.push(['M', path]);
      }
    }
    let commit = `commit refs/heads/main\nauthor ${author.name} <${author.email}> ${time} +0000\ncommitter ${author.name} <${author.email}> ${time} +0000\n`;
    const message = `Change ${index}: update ${operations.length} file(s)\n`;
    commit += `data ${Buffer.byteLength(message)}\n${message}`;
    for (const [kind, path] of operations) {
      if (kind === 'D') {
        commit += `D ${path}\n`;
      } else {
        const content = `${files.get(path).join('\n')}\n`;
        commit += `M 100644 inline ${path}\ndata ${Buffer.byteLength(content)}\n${content}\n`;
      }
    }
    if (index % 500 === 250) {
      const bytes = Buffer.alloc(2048, index % 251);
      bytes[0] = 0;
      commit += `M 100644 inline assets/blob${index}.bin\ndata ${bytes.length}\n`;
      await write(commit);
      await write(bytes);
      await write('\n\n');
      continue;
    }
    await write(`${commit}\n`);
  }
  await flush();
  importer.stdin.end();
  await exited;
  // fast-import writes one pack with its own simple deltas (226 MB for 20,000 commits); a clone or
  // `git gc` repacks with pack-objects' (21 MB), which git reads with less I/O but longer delta chains.
  if (packed) execFileSync('git', ['-C', dir, 'repack', '-a', '-d', '-f', '-q', '--depth=50', '--window=10']);
  execFileSync('git', ['-C', dir, 'reset', '-q', '--hard', 'main']);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const [dir, commits] = args.filter((arg) => arg !== '--packed');
  if (!dir) {
    console.error('usage: node scripts/generate-history.mjs <dir> [commits] [--packed]');
    process.exit(2);
  }
  await generateHistory(dir, Number(commits ?? 20_000), 42, { packed: args.includes('--packed') });
}
