// createMailmapResolver: co-authors mapped like git maps authors, and no git calls without a mailmap.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStandardRepo, createFixture, STANDARD_PEOPLE, type StandardRepo } from '../../../../test/support/git-fixture.js';
import { createMailmapResolver } from './mailmap.js';
import { openRepository } from './repository.js';

let standard: StandardRepo;

beforeAll(() => {
  standard = buildStandardRepo();
});
afterAll(() => standard?.cleanup());

describe('createMailmapResolver', () => {
  it('maps a co-author the way git maps authors', async () => {
    const resolver = await createMailmapResolver(await openRepository(standard.dir));
    const { bob, bobPersonal, carol, aliceOldLaptop, alice } = STANDARD_PEOPLE;
    await resolver.prefetch([bobPersonal, carol, aliceOldLaptop, bobPersonal]);
    expect(resolver.resolve(bobPersonal)).toEqual(bob);
    expect(resolver.resolve(aliceOldLaptop)).toEqual(alice);
    expect(resolver.resolve(carol)).toEqual(carol);
  });

  it('returns identities it has not fetched unchanged', async () => {
    const resolver = await createMailmapResolver(await openRepository(standard.dir));
    expect(resolver.resolve(STANDARD_PEOPLE.bobPersonal)).toEqual(STANDARD_PEOPLE.bobPersonal);
  });

  it('looks up many identities in chunks, odd names included', async () => {
    const resolver = await createMailmapResolver(await openRepository(standard.dir));
    const strangers = Array.from({ length: 450 }, (_, index) => ({ name: `Person ${index}`, email: `person${index}@example.com` }));
    const odd = [
      { name: '-dash', email: 'bob@personal.example' },
      { name: '', email: 'alice@old-laptop.local' },
      { name: 'Angle <bracket>', email: 'bob@personal.example' },
    ];
    await resolver.prefetch([...strangers.slice(0, 300), STANDARD_PEOPLE.bobPersonal, ...strangers.slice(300), ...odd]);
    expect(resolver.resolve(STANDARD_PEOPLE.bobPersonal)).toEqual(STANDARD_PEOPLE.bob);
    expect(resolver.resolve(strangers[449]!)).toEqual(strangers[449]);
    // Mapped by address alone, so the new name and address both apply.
    expect(resolver.resolve(odd[0]!)).toEqual(STANDARD_PEOPLE.bob);
    expect(resolver.resolve(odd[1]!)).toEqual(STANDARD_PEOPLE.alice);
    // Not expressible as a contact: left as it is rather than failing the lookup.
    expect(resolver.resolve(odd[2]!)).toEqual(odd[2]);
  });

  it('uses mailmap.file from the configuration', async () => {
    const fixture = createFixture();
    try {
      fixture.commit({ message: 'one', files: { a: 'a\n' } });
      const file = join(fixture.dir, '.git', 'people.mailmap');
      writeFileSync(file, 'Carol D <carol@example.org> <cd@old.example>\n');
      fixture.git(['config', 'mailmap.file', file]);
      const resolver = await createMailmapResolver(await openRepository(fixture.dir));
      await resolver.prefetch([{ name: 'cd', email: 'cd@old.example' }]);
      expect(resolver.resolve({ name: 'cd', email: 'cd@old.example' })).toEqual({ name: 'Carol D', email: 'carol@example.org' });
    } finally {
      fixture.cleanup();
    }
  });

  it('does nothing when the repository has no mailmap', async () => {
    const fixture = createFixture();
    try {
      fixture.commit({ message: 'one', files: { a: 'a\n' } });
      const resolver = await createMailmapResolver(await openRepository(fixture.dir));
      // Appears after the resolver decided there is none: a prefetch that ran git would now map.
      writeFileSync(join(fixture.dir, '.mailmap'), 'Bob Builder <bob@example.com> <bob@personal.example>\n');
      await resolver.prefetch([STANDARD_PEOPLE.bobPersonal]);
      expect(resolver.resolve(STANDARD_PEOPLE.bobPersonal)).toEqual(STANDARD_PEOPLE.bobPersonal);
      const fresh = await createMailmapResolver(await openRepository(fixture.dir));
      await fresh.prefetch([STANDARD_PEOPLE.bobPersonal]);
      expect(fresh.resolve(STANDARD_PEOPLE.bobPersonal)).toEqual(STANDARD_PEOPLE.bob);
    } finally {
      fixture.cleanup();
    }
  });
});
