import { describe, expect, it } from 'vitest';
import { eachOnItsOwn, WriteGroups, type Settled } from './write-groups.js';

/** A write the test finishes by hand, recording each group it was given. */
function controlledWrite() {
  const groups: string[][] = [];
  const finish: Array<() => void> = [];
  const write = (members: string[]) =>
    new Promise<Array<Settled<string>>>((resolve) => {
      groups.push(members);
      finish.push(() => resolve(members.map((member) => (member.startsWith('bad') ? { ok: false, error: new Error(member) } : { ok: true, value: `stored ${member}` }))));
    });
  return { groups, finish, write };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('WriteGroups', () => {
  it('writes a lone submission at once, and what arrives meanwhile as the next group', async () => {
    const { groups, finish, write } = controlledWrite();
    const writes = new WriteGroups(write, { maxItems: 100, concurrency: 1 });
    const first = writes.submit('a', 1);
    expect(groups).toEqual([['a']]);
    const rest = ['b', 'c', 'd'].map((member) => writes.submit(member, 1));
    expect(groups).toHaveLength(1);
    finish[0]!();
    expect(await first).toBe('stored a');
    await tick();
    expect(groups).toEqual([['a'], ['b', 'c', 'd']]);
    finish[1]!();
    expect(await Promise.all(rest)).toEqual(['stored b', 'stored c', 'stored d']);
    expect(writes.stats).toEqual({ groups: 2, members: 4, largest: 3 });
  });

  it('caps a group at maxItems, and lets a bigger member go alone', async () => {
    const { groups, finish, write } = controlledWrite();
    const writes = new WriteGroups(write, { maxItems: 5, concurrency: 1 });
    const all = [writes.submit('first', 1), writes.submit('three', 3), writes.submit('two', 2), writes.submit('nine', 9), writes.submit('one', 1)];
    for (let index = 0; index < 4; index += 1) {
      finish[index]!();
      await tick();
    }
    await Promise.all(all);
    expect(groups).toEqual([['first'], ['three', 'two'], ['nine'], ['one']]);
  });

  it('fails only the member its write fails, and every member when the whole write throws', async () => {
    const { finish, write } = controlledWrite();
    const writes = new WriteGroups(write, { maxItems: 100, concurrency: 1 });
    const first = writes.submit('a', 1);
    const mixed = [writes.submit('b', 1), writes.submit('bad-c', 1), writes.submit('d', 1)];
    finish[0]!();
    await first;
    await tick();
    finish[1]!();
    const settled = await Promise.allSettled(mixed);
    expect(settled.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);

    const broken = new WriteGroups<string, string>(async () => {
      throw new Error('connection lost');
    }, { maxItems: 100, concurrency: 1 });
    const outcomes = await Promise.allSettled([broken.submit('x', 1), broken.submit('y', 1)]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    // The queue goes on after a failed write.
    const again = new WriteGroups(write, { maxItems: 100, concurrency: 1 });
    const later = again.submit('later', 1);
    finish.at(-1)!();
    expect(await later).toBe('stored later');
  });

  it('keeps up to `concurrency` writes in flight', () => {
    const { groups, write } = controlledWrite();
    const writes = new WriteGroups(write, { maxItems: 100, concurrency: 2 });
    for (const member of ['a', 'b', 'c', 'd']) void writes.submit(member, 1);
    expect(groups).toEqual([['a'], ['b']]);
  });
});

describe('eachOnItsOwn', () => {
  it('settles each member separately, in order', async () => {
    const outcomes = await eachOnItsOwn(['a', 'bad', 'c'], async (member) => {
      if (member === 'bad') throw new Error('refused');
      return member.toUpperCase();
    });
    expect(outcomes.map((outcome) => (outcome.ok ? outcome.value : 'error'))).toEqual(['A', 'error', 'C']);
  });
});
