// The environment every git child runs with: the user's own, minus anything that would point git at
// a different repository than the one we were asked to read, and with messages we can recognise.

/** Variables git sets for hooks and wrappers; inherited, they would override `-C <root>` discovery. */
const REPOSITORY_LOCATORS = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_PREFIX',
];

export function gitEnvironment(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = { ...base };
  for (const name of REPOSITORY_LOCATORS) delete environment[name];
  // English messages, so "not a git repository" can be told apart from other failures.
  environment.LC_ALL = 'C';
  environment.LANGUAGE = 'C';
  return environment;
}
