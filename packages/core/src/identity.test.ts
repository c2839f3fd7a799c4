import { describe, expect, it } from 'vitest';
import { coAuthorsFromMessage, creditedPeople, githubLoginFromEmail, isBot, isGitAddress, normalizeEmail, toContributor } from './identity.js';
import { parseTrailers } from './trailers.js';

describe('identity', () => {
  it('normalises addresses', () => {
    expect(normalizeEmail('  Jane.Doe@Example.COM ')).toBe('jane.doe@example.com');
  });

  it('maps GitHub noreply addresses to logins', () => {
    expect(githubLoginFromEmail('12345+OctoCat@users.noreply.github.com')).toBe('octocat');
    expect(githubLoginFromEmail('octocat@users.noreply.github.com')).toBe('octocat');
    expect(githubLoginFromEmail('octocat@github.com')).toBeUndefined();
    expect(toContributor({ name: '', email: '1+hubot@users.noreply.github.com' })).toEqual({
      name: 'hubot',
      email: '1+hubot@users.noreply.github.com',
      login: 'hubot',
    });
  });

  it('recognises bots', () => {
    expect(isBot({ name: 'dependabot[bot]', email: '49699333+dependabot[bot]@users.noreply.github.com' })).toBe(true);
    expect(isBot({ name: 'Renovate', email: 'bot@renovateapp.com' })).toBe(true);
    expect(isBot({ name: 'github-actions', email: 'github-actions@github.com' })).toBe(true);
    expect(isBot({ name: 'Jane', email: 'jane@example.com' })).toBe(false);
    expect(isBot({ name: 'Release Robot', email: 'release@example.com' }, { extraBots: ['Release Robot'] })).toBe(true);
    expect(isBot({ name: 'CI', email: 'ci@example.com' }, { extraBots: ['ci@example.com'] })).toBe(true);
  });

  it('accepts every address git records, and nothing git cannot', () => {
    for (const address of ['ann@example.com', 'root', 'me@localhost', '', ' RelEng ', 'a b@c', 'x'.repeat(320)]) expect(isGitAddress(address), address).toBe(true);
    for (const address of ['Ann <ann@example.com>', 'a>b', 'a\nb', 'a\u0000b', 'x'.repeat(321)]) expect(isGitAddress(address), address).toBe(false);
  });

  it('gives an address-less author a stable synthetic address', () => {
    expect(toContributor({ name: 'No Mail', email: '' }).email).toBe('no.mail@unknown.invalid');
  });
});

describe('trailers and co-authors', () => {
  it('reads Co-authored-by trailers from the closing paragraph', () => {
    const message = 'Add parser\n\nLonger body.\n\nCo-authored-by: Bob <BOB@example.com>\nco-authored-by: Carol C <carol@example.com>\nSigned-off-by: Ann <ann@example.com>\n';
    expect(coAuthorsFromMessage(message)).toEqual([
      { name: 'Bob', email: 'BOB@example.com' },
      { name: 'Carol C', email: 'carol@example.com' },
    ]);
  });

  it('ignores trailer-looking lines in the subject or body prose', () => {
    expect(coAuthorsFromMessage('Co-authored-by: Bob <bob@example.com>')).toEqual([]);
    expect(coAuthorsFromMessage('Subject\n\nCo-authored-by: Bob <bob@example.com>\n\nThis closing paragraph is prose, not trailers.')).toEqual([]);
    expect(parseTrailers('Subject\n\nNote: one\nand prose\nand more prose\nand even more prose\nstill prose')).toEqual([]);
  });

  it('credits the author first, then distinct human co-authors', () => {
    const message = 'Pair on it\n\nCo-authored-by: Bob <bob@example.com>\nCo-authored-by: Ann again <ANN@example.com>\nCo-authored-by: dependabot[bot] <support@github.com>\nCo-authored-by: Bob B <Bob@Example.com>';
    expect(creditedPeople({ name: 'Ann', email: 'ann@example.com' }, message)).toEqual([
      { name: 'Ann', email: 'ann@example.com', role: 'author' },
      { name: 'Bob', email: 'bob@example.com', role: 'co-author' },
    ]);
  });

  it('leaves bots out unless asked, but still credits a bot commit’s human co-authors', () => {
    const bot = { name: 'renovate[bot]', email: '29139614+renovate[bot]@users.noreply.github.com' };
    expect(creditedPeople(bot, 'Update deps')).toEqual([]);
    expect(creditedPeople(bot, 'Update deps', { includeBots: true })).toHaveLength(1);
    expect(creditedPeople(bot, 'Fix\n\nCo-authored-by: Dan <dan@example.com>')).toEqual([
      { name: 'Dan', email: 'dan@example.com', role: 'co-author' },
    ]);
  });

  it('maps co-authors through the resolver (git mailmap)', () => {
    const resolveIdentity = (person: { name: string; email: string }) =>
      person.email === 'old@example.com' ? { name: 'Bob Canonical', email: 'bob@example.com' } : person;
    expect(
      creditedPeople({ name: 'Ann', email: 'ann@example.com' }, 'x\n\nCo-authored-by: bob <old@example.com>', { resolveIdentity })[1],
    ).toEqual({ name: 'Bob Canonical', email: 'bob@example.com', role: 'co-author' });
  });
});
