import { describe, expect, it } from 'vitest';
import { isValidRepositoryName, repositoryFromRemoteUrl } from './repository.js';

describe('repositoryFromRemoteUrl', () => {
  it.each([
    ['https://github.com/octo/hello.git', 'octo/hello'],
    ['https://github.com/octo/hello', 'octo/hello'],
    ['https://token@github.com/octo/hello.git', 'octo/hello'],
    ['git@github.com:octo/hello.git', 'octo/hello'],
    ['ssh://git@github.com/octo/hello.js.git', 'octo/hello.js'],
  ])('%s → %s', (url, name) => expect(repositoryFromRemoteUrl(url)).toBe(name));

  it('returns undefined off GitHub', () => {
    expect(repositoryFromRemoteUrl('https://gitlab.com/octo/hello.git')).toBeUndefined();
    expect(repositoryFromRemoteUrl('/srv/git/hello.git')).toBeUndefined();
  });

  it('validates names given by hand', () => {
    expect(isValidRepositoryName('octo/hello')).toBe(true);
    expect(isValidRepositoryName('hello')).toBe(true);
    expect(isValidRepositoryName('a/b/c')).toBe(false);
    expect(isValidRepositoryName('../etc')).toBe(false);
    expect(isValidRepositoryName('')).toBe(false);
  });
});
