// `coherence identities`: groups of addresses that are likely one person, with the evidence; `merge` and
// `unmerge` to record (or undo) that aliases are one person; `mailmap` to print the merges as .mailmap lines.
// Against a SQLite file (--db) or an API (--api-url); core decides groups and merges either way.

import type { Command } from 'commander';
import { identityCandidates, mailmapLines, normalizeEmail, parseIdentityAddress, type IdentityCandidate, type IdentityLink, type KnownAddress } from '@coherence/core';
import type { IdentityOverview } from '@coherence/api/store';
import { errors } from '../errors.js';
import { formatCount } from '../output/format.js';
import { openStoreTarget, type StoreTarget, type TargetOptions } from '../targets/store-target.js';
import { httpUrl } from './options.js';

interface IdentitiesOptions extends TargetOptions {
  json: boolean;
  repo?: string;
}

const EVIDENCE_TEXT: Record<IdentityCandidate['evidence'][number]['kind'], (detail: string) => string> = {
  same_name: (detail) => `same name "${detail}"`,
  noreply_login: (detail) => `GitHub login "${detail}"`,
  mailmap: (detail) => `.mailmap maps it to ${detail}`,
};

function targetOptions(command: Command): Command {
  return command
    .option('--db <file>', 'SQLite database (default $COHERENCE_DB or .coherence/coherence.db)')
    .option('--api-url <url>', 'a Coherence API instead of a local database (or $COHERENCE_API_URL)', httpUrl)
    .option('--api-key <key>', 'API key for --api-url (or $COHERENCE_API_KEY); merges need a write key')
    .option('--json', 'print one JSON object on stdout', false);
}

export function registerIdentities(program: Command): void {
  const identities = targetOptions(
    program
      .command('identities')
      .description('list addresses that are likely one person (same name, GitHub noreply login, .mailmap), with the evidence')
      .option('--repo <dir>', "also use this repository's .mailmap as evidence"),
  ).action(async (options: IdentitiesOptions) => {
    process.exitCode = await runList(options);
  });

  targetOptions(
    identities
      .command('merge')
      .description('count ALIAS addresses as the PRIMARY person in every report, stat and total (stored rows keep their address)')
      .argument('<primary>', 'the address the person is counted under')
      .argument('<aliases...>', 'addresses that are the same person (seen yet or not)'),
  ).action(async (primary: string, aliases: string[], options: IdentitiesOptions) => {
    process.exitCode = await runMerge(primary, aliases, options);
  });

  targetOptions(
    identities
      .command('unmerge')
      .description('make merged addresses their own people again')
      .argument('<aliases...>', 'merged addresses'),
  ).action(async (aliases: string[], options: IdentitiesOptions) => {
    process.exitCode = await runUnmerge(aliases, options);
  });

  targetOptions(identities.command('mailmap').description('print the merges as .mailmap lines, to fix identities upstream')).action(
    async (options: IdentitiesOptions) => {
      process.exitCode = await runMailmap(options);
    },
  );
}

async function withTarget<T>(options: TargetOptions, work: (target: StoreTarget) => Promise<T>): Promise<T> {
  const target = await openStoreTarget(options);
  try {
    return await work(target);
  } finally {
    await target.close();
  }
}

async function runList(options: IdentitiesOptions): Promise<number> {
  const mailmap = options.repo === undefined ? undefined : await mailmapEvidence(options.repo);
  const overview = await withTarget(options, (target) => target.identities());
  const links = mailmap === undefined ? [] : await mailmap(overview.addresses);
  const candidates = identityCandidates(overview.addresses, { links: overview.links, mailmap: links });
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ candidates, merges: mergesOf(overview) })}\n`);
    return 0;
  }
  process.stdout.write(`${renderCandidates(candidates, overview)}\n`);
  return 0;
}

/** Reads the repository's .mailmap through git, for every stored address at once. */
async function mailmapEvidence(dir: string): Promise<(addresses: readonly KnownAddress[]) => Promise<IdentityLink[]>> {
  const [{ openRepository }, { createMailmapResolver }] = await Promise.all([import('../git/repository.js'), import('../git/mailmap.js')]);
  const resolver = await createMailmapResolver(await openRepository(dir));
  return async (addresses) => {
    const people = addresses.map((address) => ({ name: address.name, email: address.email }));
    await resolver.prefetch(people);
    return people.flatMap((person) => {
      const mapped = normalizeEmail(resolver.resolve(person).email);
      return mapped === person.email ? [] : [{ alias: person.email, primary: mapped }];
    });
  };
}

function mergesOf(overview: IdentityOverview): Array<{ primary: string; aliases: string[] }> {
  const merges = new Map<string, string[]>();
  for (const link of overview.links) merges.set(link.primary, [...(merges.get(link.primary) ?? []), link.alias]);
  return [...merges].map(([primary, aliases]) => ({ primary, aliases }));
}

function renderCandidates(candidates: readonly IdentityCandidate[], overview: IdentityOverview): string {
  const lines: string[] = [];
  if (candidates.length === 0) lines.push('No addresses look like one person.');
  else lines.push(`${formatCount(candidates.length)} group(s) of addresses that are likely one person:`);
  candidates.forEach((candidate, index) => {
    lines.push('', `${index + 1}. ${candidate.primary} — ${formatCount(candidate.contributions)} contribution(s)`);
    const width = Math.max(...candidate.addresses.map((address) => address.email.length));
    for (const address of candidate.addresses) {
      const merged = address.merged_into === undefined ? '' : `  (merged into ${address.merged_into})`;
      lines.push(`   ${address.email.padEnd(width)}  ${address.name}, ${formatCount(address.contributions)}${merged}`);
    }
    for (const item of candidate.evidence) lines.push(`   evidence: ${item.addresses.join(' ~ ')}: ${EVIDENCE_TEXT[item.kind](item.detail)}`);
    lines.push(`   merge with: coherence identities merge ${candidate.primary} ${candidate.aliases.join(' ')}`);
  });
  const merges = mergesOf(overview);
  if (merges.length > 0) {
    lines.push('', `Merged already (${formatCount(overview.links.length)} alias(es)):`);
    for (const merge of merges) lines.push(`   ${merge.primary} ← ${merge.aliases.join(', ')}`);
  }
  return lines.join('\n');
}

/** Addresses are checked here too, so a typo is one clear line before anything is sent. */
function addresses(texts: readonly string[], what: string): string[] {
  return texts.map((text) => {
    const address = parseIdentityAddress(text);
    if (address === undefined) throw errors.badOption(what, `"${text}" is not an address`);
    return address;
  });
}

async function runMerge(primaryText: string, aliasTexts: string[], options: IdentitiesOptions): Promise<number> {
  const [primary] = addresses([primaryText], 'PRIMARY');
  const aliases = addresses(aliasTexts, 'ALIAS');
  const { outcome, known } = await withTarget(options, async (target) => ({
    outcome: await target.merge(primary!, aliases),
    known: new Set((await target.identities()).addresses.map((address) => address.email)),
  }));
  const unseen = [...outcome.merged, outcome.primary].filter((email) => !known.has(email));
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ ...outcome, unseen })}\n`);
    return 0;
  }
  const lines: string[] = [];
  if (outcome.merged.length > 0) lines.push(`Merged into ${outcome.primary}: ${outcome.merged.join(', ')}`);
  if (outcome.already.length > 0) lines.push(`Already merged into ${outcome.primary}: ${outcome.already.join(', ')}`);
  for (const link of outcome.moved) lines.push(`Moved ${link.alias} to ${outcome.primary} (it was an alias of an address merged here)`);
  if (unseen.length > 0) lines.push(`Not seen yet (their contributions will count under ${outcome.primary} once recorded): ${unseen.join(', ')}`);
  process.stderr.write(`${lines.join('\n')}\n`);
  return 0;
}

async function runUnmerge(aliasTexts: string[], options: IdentitiesOptions): Promise<number> {
  const outcome = await withTarget(options, (target) => target.unmerge(addresses(aliasTexts, 'ALIAS')));
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ unmerged: outcome.unmerged, not_merged: outcome.notMerged })}\n`);
    return 0;
  }
  const lines = outcome.unmerged.map((link) => `Unmerged ${link.alias} (was counted under ${link.primary})`);
  if (outcome.notMerged.length > 0) lines.push(`Not merged into anyone (nothing to do): ${outcome.notMerged.join(', ')}`);
  process.stderr.write(`${lines.join('\n')}\n`);
  return 0;
}

async function runMailmap(options: IdentitiesOptions): Promise<number> {
  const overview = await withTarget(options, (target) => target.identities());
  const names = new Map(overview.addresses.map((address) => [address.email, address.name]));
  const lines = mailmapLines(overview.links, (email) => names.get(email));
  if (options.json) process.stdout.write(`${JSON.stringify({ mailmap: lines })}\n`);
  else if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
  else process.stderr.write('No merges to write.\n');
  return 0;
}
