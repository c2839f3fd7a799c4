import { describe, expect, it } from 'vitest';
import { identityCandidates, mailmapLines, normalizeName, planMerge, planUnmerge, type KnownAddress } from './identity-groups.js';

const ann = [
  { email: 'ann@old.example', name: 'Ann Lee', contributions: 3 },
  { email: 'ann@new.example', name: 'Ann  Lée', contributions: 5 },
  { email: '123+ann@users.noreply.github.com', name: 'ann', contributions: 2 },
];
const annSmith: KnownAddress = { email: 'asmith@example.org', name: 'Ann Smith', contributions: 4 };

describe('normalizeName', () => {
  it('ignores accents, case, punctuation and spacing', () => {
    expect(normalizeName('  Ånn   LEE-Smith ')).toBe('ann lee smith');
    expect(normalizeName('José.García')).toBe('jose garcia');
  });
});

describe('identityCandidates', () => {
  it('finds one person under a real name, another address and a GitHub noreply login, and not a namesake', () => {
    const groups = identityCandidates([...ann, annSmith]);
    expect(groups).toHaveLength(1);
    const [group] = groups;
    expect(group!.primary).toBe('ann@new.example');
    expect(group!.aliases).toEqual(['123+ann@users.noreply.github.com', 'ann@old.example']);
    expect(group!.contributions).toBe(10);
    expect(group!.evidence).toEqual([
      { kind: 'same_name', addresses: ['ann@new.example', 'ann@old.example'], detail: 'ann lee' },
      { kind: 'noreply_login', addresses: ['123+ann@users.noreply.github.com', 'ann@new.example'], detail: 'ann' },
      { kind: 'noreply_login', addresses: ['123+ann@users.noreply.github.com', 'ann@old.example'], detail: 'ann' },
    ]);
  });

  it('matches a login to a name, and two noreply addresses of one login', () => {
    const groups = identityCandidates([
      { email: 'octocat@users.noreply.github.com', name: 'The Octocat', contributions: 1 },
      { email: '583231+octocat@users.noreply.github.com', name: 'Octo', contributions: 1 },
      { email: 'cat@example.com', name: 'Octocat', contributions: 1 },
    ]);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.primary).toBe('cat@example.com');
    expect(groups[0]!.evidence.map((item) => item.kind)).toEqual(['noreply_login', 'noreply_login']);
  });

  it('does not join on generic names, generic local parts or very short logins', () => {
    expect(
      identityCandidates([
        { email: 'root@a.example', name: 'root', contributions: 1 },
        { email: 'root@b.example', name: 'root', contributions: 1 },
        { email: '1+info@users.noreply.github.com', name: 'x', contributions: 1 },
        { email: 'info@c.example', name: 'y', contributions: 1 },
        { email: '2+al@users.noreply.github.com', name: 'p', contributions: 1 },
        { email: 'al@d.example', name: 'q', contributions: 1 },
      ]),
    ).toEqual([]);
  });

  it('does not join a login to a local part that people of different names share', () => {
    const groups = identityCandidates([
      { email: '9+ann@users.noreply.github.com', name: 'ann', contributions: 1 },
      { email: 'ann@lee.example', name: 'Ann Lee', contributions: 1 },
      { email: 'ann@smith.example', name: 'Ann Smith', contributions: 1 },
    ]);
    expect(groups).toEqual([]);
  });

  it('joins addresses a .mailmap joins', () => {
    const groups = identityCandidates(
      [
        { email: 'me@laptop.local', name: 'x', contributions: 1 },
        { email: 'bob@example.com', name: 'Bob', contributions: 1 },
      ],
      { mailmap: [{ alias: 'me@laptop.local', primary: 'bob@example.com' }] },
    );
    expect(groups[0]).toMatchObject({ primary: 'bob@example.com', aliases: ['me@laptop.local'] });
    expect(groups[0]!.evidence).toEqual([{ kind: 'mailmap', addresses: ['bob@example.com', 'me@laptop.local'], detail: 'bob@example.com' }]);
  });

  it('leaves out groups already merged, and proposes only what is left', () => {
    const links = [
      { alias: 'ann@old.example', primary: 'ann@new.example' },
      { alias: '123+ann@users.noreply.github.com', primary: 'ann@new.example' },
    ];
    expect(identityCandidates([...ann, annSmith], { links })).toEqual([]);
    const partial = identityCandidates([...ann, annSmith], { links: links.slice(0, 1) });
    expect(partial).toHaveLength(1);
    expect(partial[0]!.primary).toBe('ann@new.example');
    expect(partial[0]!.aliases).toEqual(['123+ann@users.noreply.github.com']);
    expect(partial[0]!.addresses.find((address) => address.email === 'ann@old.example')!.merged_into).toBe('ann@new.example');
  });
});

describe('planMerge', () => {
  it('links aliases to the primary, normalised, and is a no-op the second time', () => {
    const plan = planMerge([], ' Ann@New.example ', ['ann@old.example', 'ANN@old.example']);
    expect(plan).toMatchObject({ ok: true, primary: 'ann@new.example', merged: ['ann@old.example'], links: [{ alias: 'ann@old.example', primary: 'ann@new.example' }] });
    const again = planMerge([{ alias: 'ann@old.example', primary: 'ann@new.example' }], 'ann@new.example', ['ann@old.example']);
    expect(again).toMatchObject({ ok: true, links: [], already: ['ann@old.example'] });
  });

  it('refuses a primary that is an alias, an alias of someone else, itself, and non-addresses', () => {
    const links = [{ alias: 'b@x.example', primary: 'a@x.example' }];
    expect(planMerge(links, 'b@x.example', ['c@x.example'])).toMatchObject({ ok: false, field: 'primary', message: expect.stringContaining('merged into a@x.example') });
    expect(planMerge(links, 'c@x.example', ['b@x.example'])).toMatchObject({ ok: false, field: 'aliases', message: expect.stringContaining('unmerge it first') });
    expect(planMerge(links, 'c@x.example', ['C@x.example'])).toMatchObject({ ok: false, field: 'aliases' });
    expect(planMerge(links, 'not an address', ['c@x.example'])).toMatchObject({ ok: false, field: 'primary' });
    expect(planMerge(links, 'c@x.example', ['root'])).toMatchObject({ ok: true, merged: ['root'] });
    expect(planMerge(links, 'c@x.example', ['<nope>'])).toMatchObject({ ok: false, field: 'aliases' });
    expect(planMerge(links, 'c@x.example', [])).toMatchObject({ ok: false, field: 'aliases' });
  });

  it('moves the aliases of a merged primary, so links stay one level deep', () => {
    const links = [{ alias: 'b@x.example', primary: 'a@x.example' }];
    const plan = planMerge(links, 'c@x.example', ['a@x.example']);
    expect(plan).toMatchObject({
      ok: true,
      links: [
        { alias: 'a@x.example', primary: 'c@x.example' },
        { alias: 'b@x.example', primary: 'c@x.example' },
      ],
      moved: [{ alias: 'b@x.example', primary: 'c@x.example' }],
    });
  });
});

describe('planUnmerge', () => {
  it('removes links, and says which addresses were not aliases', () => {
    const links = [{ alias: 'b@x.example', primary: 'a@x.example' }];
    expect(planUnmerge(links, ['B@x.example', 'a@x.example', 'z@x.example'])).toEqual({
      ok: true,
      unmerged: [{ alias: 'b@x.example', primary: 'a@x.example' }],
      notMerged: ['a@x.example', 'z@x.example'],
      primaries: ['a@x.example'],
    });
    expect(planUnmerge(links, ['b a d'])).toMatchObject({ ok: false, field: 'aliases' });
  });
});

describe('mailmapLines', () => {
  it('writes one line per alias, with the primary’s name', () => {
    const links = [
      { alias: 'ann@old.example', primary: 'ann@new.example' },
      { alias: '123+ann@users.noreply.github.com', primary: 'ann@new.example' },
      { alias: 'x@y.example', primary: 'nameless@y.example' },
    ];
    expect(mailmapLines(links, (email) => (email === 'ann@new.example' ? 'Ann Lee' : undefined))).toEqual([
      'Ann Lee <ann@new.example> <123+ann@users.noreply.github.com>',
      'Ann Lee <ann@new.example> <ann@old.example>',
      '<nameless@y.example> <x@y.example>',
    ]);
  });
});
