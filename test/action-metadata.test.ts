// action.yml, the inputs the Action reads, and the README's tables must name the same inputs and outputs.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACTION_YML } from './support/action-run.js';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

describe('the Action metadata', () => {
  const actionYml = read('action.yml');
  const readme = read('README.md');
  const section = readme.slice(readme.indexOf('\n## GitHub Action\n'));
  const inputsSource = read('packages/action/src/inputs.ts');
  const outputsSource = read('packages/action/src/outputs.ts');

  it('runs the committed bundle on node24', () => {
    expect(actionYml).toMatch(/^runs:\n {2}using: node24\n {2}main: dist\/index\.js$/m);
    expect(actionYml).toMatch(/^branding:\n {2}icon: [\w-]+\n {2}color: \w+$/m);
  });

  it('declares every input the Action reads, with a description, and documents it in the README', () => {
    const declared = Object.keys(ACTION_YML.inputs).sort();
    const read = [...inputsSource.matchAll(/(?:optional|flag|globs|readApiKey)\('([a-z-]+)'/g)].map((match) => match[1]!);
    read.push('api-key');
    expect([...new Set(read)].sort()).toEqual(declared);
    for (const name of declared) {
      expect(actionYml).toMatch(new RegExp(`^ {2}${name}:\\n {4}description: \\S`, 'm'));
      expect(section, `README row for input ${name}`).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'));
    }
  });

  it('declares every output the Action sets, and documents it in the README', () => {
    const set = [...outputsSource.matchAll(/setOutput\('([a-z-]+)'/g)].map((match) => match[1]!).sort();
    expect(set).toEqual([...ACTION_YML.outputs].sort());
    for (const name of set) expect(section, `README row for output ${name}`).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'));
  });
});
