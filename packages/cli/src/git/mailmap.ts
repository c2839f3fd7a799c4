// Applying the repository's mailmap to co-authors named in trailers. Authors already come mapped from
// git log (%aN/%aE); trailers are plain text, so they are mapped here with `git check-mailmap`.

import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { Person } from '@coherence/core';
import type { GitRepository } from './repository.js';
import { runGit } from './run-git.js';

export interface MailmapResolver {
  /** Looks up every identity not seen before, in a few git calls. */
  prefetch(people: Person[]): Promise<void>;
  /** Synchronous, for pure code: the mapping prefetched, or the person unchanged. */
  resolve(person: Person): Person;
}

/** git 2.39's check-mailmap takes contacts only as arguments; keep each call well under any ARG_MAX. */
const CONTACTS_PER_CALL = 200;
const CHARACTERS_PER_CALL = 24_000;
const CONTACT_LINE = /^(?:(.*) )?<([^<>]*)>$/;

export async function createMailmapResolver(repo: GitRepository): Promise<MailmapResolver> {
  const cache = new Map<string, Person>();
  const enabled = await hasMailmap(repo);
  return {
    async prefetch(people) {
      if (!enabled) return;
      const unknown = distinctUnknown(people, cache);
      for (const chunk of chunkContacts(unknown)) await lookUp(repo, chunk, cache);
    },
    resolve: (person) => cache.get(identityKey(person)) ?? person,
  };
}

/** Any source git reads a mailmap from: .mailmap in the work tree or HEAD, mailmap.file, mailmap.blob. */
async function hasMailmap(repo: GitRepository): Promise<boolean> {
  if (await exists(join(repo.root, '.mailmap'))) return true;
  const configured = await runGit(repo.git, ['config', '--get-regexp', '^mailmap\\.(file|blob)$']);
  if (configured.trim() !== '') return true;
  return (await runGit(repo.git, ['rev-parse', '--verify', '--quiet', 'HEAD:.mailmap'])).trim() !== '';
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function identityKey(person: Person): string {
  return `${person.name}\0${person.email}`;
}

/** Identities not looked up yet and expressible as a contact (no angle brackets or line breaks). */
function distinctUnknown(people: Person[], cache: Map<string, Person>): Person[] {
  const unknown = new Map<string, Person>();
  for (const person of people) {
    const key = identityKey(person);
    if (cache.has(key) || unknown.has(key)) continue;
    if (/[<>\n\r\0]/.test(person.name + person.email) || person.email.trim() === '') cache.set(key, person);
    else unknown.set(key, person);
  }
  return [...unknown.values()];
}

function* chunkContacts(people: Person[]): Generator<Person[]> {
  let chunk: Person[] = [];
  let characters = 0;
  for (const person of people) {
    const length = person.name.length + person.email.length + 4;
    if (chunk.length > 0 && (chunk.length >= CONTACTS_PER_CALL || characters + length > CHARACTERS_PER_CALL)) {
      yield chunk;
      chunk = [];
      characters = 0;
    }
    chunk.push(person);
    characters += length;
  }
  if (chunk.length > 0) yield chunk;
}

async function lookUp(repo: GitRepository, people: Person[], cache: Map<string, Person>): Promise<void> {
  const contacts = people.map((person) => `${person.name} <${person.email}>`);
  // "--" so a name starting with "-" is not taken for an option.
  const lines = (await runGit(repo.git, ['check-mailmap', '--', ...contacts])).split('\n');
  people.forEach((person, index) => {
    const mapped = CONTACT_LINE.exec(lines[index] ?? '');
    const result = mapped ? { name: mapped[1] ?? '', email: mapped[2]! } : person;
    cache.set(identityKey(person), result.name === person.name && result.email === person.email ? person : result);
  });
}
