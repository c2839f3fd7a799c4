import { describe, expect, it } from 'vitest';
import { findMembers, onlySpaceAfter } from './json-members.js';

const NAMES = ['cost', 'coherence', 'rescores'];

/** The wanted members' value texts as findMembers locates them, and where the object ends. */
function found(text: string, from = 0) {
  const spans = new Int32Array(NAMES.length * 2);
  const end = findMembers(text, from, NAMES, spans);
  const values = Object.fromEntries(NAMES.map((name, index) => [name, spans[index * 2]! === -1 ? undefined : text.slice(spans[index * 2], spans[index * 2 + 1])]));
  return { end, values };
}

describe('findMembers', () => {
  it('finds the top-level values of the named members, whatever their kind and order', () => {
    const meta = {
      subject: 'Fix "cost": {not a member}, [nor this]',
      co_authors: ['a@example.com', 'b@example.com'],
      coherence: { score: 0.75, version: 'v3_signals', breakdown: [{ rule: 'baseline', points: 0.5 }] },
      nested: { cost: { version: 'inner' }, list: [[1, 2], { rescores: [] }] },
      cost: { version: 'v1', commit_cents: 25, clamped: null },
      empty: {},
      count: -12.5e3,
      flag: true,
    };
    const text = JSON.stringify(meta);
    const { end, values } = found(text);
    expect(end).toBe(text.length);
    expect(JSON.parse(values.cost!)).toEqual(meta.cost);
    expect(JSON.parse(values.coherence!)).toEqual(meta.coherence);
    expect(values.rescores).toBeUndefined();
  });

  it('reads scalars up to their delimiter, and strings with escaped quotes and backslashes', () => {
    const text = '{"rescores":null,"a":"x\\\\","b":"say \\"cost\\"","cost":-0.5,"coherence":"\\\\\\"}"}';
    const { end, values } = found(text);
    expect(end).toBe(text.length);
    expect(values).toEqual({ cost: '-0.5', coherence: '"\\\\\\"}"', rescores: 'null' });
    expect(JSON.parse(values.coherence!)).toBe('\\"}');
  });

  it('allows whitespace anywhere JSON does, and reads an object inside a larger text', () => {
    const text = ' { "cost" :\n{ "version" : "v1" } ,\t"coherence":[ 1 , 2 ] }  ';
    const { end, values } = found(text);
    expect(values).toEqual({ cost: '{ "version" : "v1" }', coherence: '[ 1 , 2 ]', rescores: undefined });
    expect(onlySpaceAfter(text, end)).toBe(true);
    const inner = text.indexOf('{ "version"');
    const spans = new Int32Array(2);
    expect(findMembers(text, inner, ['version'], spans)).toBe(text.indexOf('}') + 1);
    expect(text.slice(spans[0], spans[1])).toBe('"v1"');
    expect(found('{}').end).toBe(2);
  });

  it('declines what it cannot read without a parser: repeated or escaped names, and what is not an object', () => {
    expect(found('{"cost":1,"cost":2}').end).toBe(-1);
    expect(found('{"c\\u006fst":1}').end).toBe(-1);
    expect(found('[{"cost":1}]').end).toBe(-1);
    expect(found('"cost"').end).toBe(-1);
    expect(found('{"cost":1').end).toBe(-1);
    expect(found('').end).toBe(-1);
    // A name that is not wanted may repeat: the caller never reads it.
    expect(found('{"a":1,"a":2,"cost":3}').values.cost).toBe('3');
    expect(onlySpaceAfter('{"cost":1} x', 10)).toBe(false);
  });
});
