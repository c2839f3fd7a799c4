// Naming a repository: "owner/name" from a GitHub remote URL, as the API and reports show it.

const GITHUB_REMOTE = /^(?:(?:git\+)?https?:\/\/(?:[^@/]+@)?github\.com\/|(?:ssh:\/\/)?git@github\.com[:/]|git:\/\/github\.com\/)([^/\s]+)\/([^/\s]+?)(?:\.git)?\/?$/i;

/** "git@github.com:octo/hello.git" → "octo/hello"; undefined for anything not on GitHub. */
export function repositoryFromRemoteUrl(url: string): string | undefined {
  const match = GITHUB_REMOTE.exec(url.trim());
  return match ? `${match[1]}/${match[2]}` : undefined;
}

const REPOSITORY_NAME = /^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)?$/;

/** A repository name as users pass it with --repository: "owner/name" or a bare name. */
export function isValidRepositoryName(name: string): boolean {
  return name.length <= 200 && REPOSITORY_NAME.test(name) && !name.split('/').some((part) => part === '.' || part === '..');
}
