// Two repositories of a small team over four months, for the dashboard and the HTML report: several
// authors, a co-authored commit, quiet weeks, and one person far ahead on cost (large changes).

import { GitFixture, type Identity } from './fixture-repository.js';

export const TEAM = {
  ada: { name: 'Ada Lovelace', email: 'ada@example.com' },
  ben: { name: 'Ben Okafor', email: 'ben@example.com' },
  cleo: { name: 'Cleo Park', email: 'cleo@example.com' },
  dan: { name: 'Dan Reyes', email: 'dan@example.com' },
} satisfies Record<string, Identity>;

export interface TeamRepos {
  /** Tracked as octo/alpha (a GitHub name, so the page links its commits). */
  alpha: GitFixture;
  /** Tracked as octo/beta. */
  beta: GitFixture;
  cleanup(): void;
}

const lines = (count: number, prefix: string) => Array.from({ length: count }, (_, index) => `${prefix} ${index + 1}`).join('\n') + '\n';

export function buildTeamRepos(): TeamRepos {
  const alpha = GitFixture.create({ prefix: 'coherence-alpha-' });
  const beta = GitFixture.create({ prefix: 'coherence-beta-' });
  const { ada, ben, cleo, dan } = TEAM;

  // Alpha: January to April 2024. Ada writes the large modules, Ben and Cleo the smaller changes.
  const alphaPlan: Array<[string, Identity, number, Identity[]?]> = [
    ['2024-01-08T09:00:00Z', ada, 420],
    ['2024-01-10T14:00:00Z', ben, 30],
    ['2024-01-17T10:00:00Z', cleo, 12],
    ['2024-01-24T11:00:00Z', ada, 380],
    ['2024-02-05T09:30:00Z', ben, 45],
    ['2024-02-07T16:00:00Z', ada, 250, [cleo]],
    ['2024-02-21T10:00:00Z', cleo, 60],
    ['2024-03-04T09:00:00Z', ada, 600],
    ['2024-03-06T13:00:00Z', ben, 18],
    ['2024-03-20T15:00:00Z', cleo, 25],
    ['2024-04-02T09:00:00Z', ada, 150],
    ['2024-04-15T12:00:00Z', ben, 40],
    ['2024-04-24T17:00:00Z', cleo, 8],
  ];
  alphaPlan.forEach(([date, author, added, coAuthors], index) => {
    alpha.commit({
      message: `Alpha change ${index + 1}`,
      author,
      date,
      ...(coAuthors ? { coAuthors } : {}),
      files: {
        [`src/module-${index}.ts`]: lines(added, `alpha ${index}`),
        ...(index % 3 === 0 ? { [`test/module-${index}.test.ts`]: lines(5, 'test') } : {}),
        ...(index % 4 === 1 ? { 'README.md': lines(index + 2, 'readme') } : {}),
        // Ada's March rewrite trims the first module, so lines are deleted as well as added.
        ...(index === 7 ? { 'src/module-0.ts': lines(300, 'alpha 0') } : {}),
      },
    });
  });

  // Beta: March 2024, Ben and Dan.
  const betaPlan: Array<[string, Identity, number]> = [
    ['2024-03-01T10:00:00Z', dan, 90],
    ['2024-03-05T11:00:00Z', ben, 20],
    ['2024-03-12T09:00:00Z', dan, 140],
    ['2024-03-19T14:00:00Z', dan, 35],
    ['2024-03-26T16:00:00Z', ben, 10],
  ];
  betaPlan.forEach(([date, author, added], index) => {
    beta.commit({ message: `Beta change ${index + 1}`, author, date, files: { [`lib/part-${index}.py`]: lines(added, `beta ${index}`) } });
  });

  return {
    alpha,
    beta,
    cleanup: () => {
      alpha.cleanup();
      beta.cleanup();
    },
  };
}
