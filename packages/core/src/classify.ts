// Recognises test and documentation paths, the signals the coherence score rewards.

const TEST_PATH = [
  /(^|\/)(tests?|__tests__|spec|specs|testing|e2e)\//i,
  /(^|\/)[^/]*[._-](test|spec)s?\.[^/]+$/i,
  /(^|\/)test_[^/]+\.py$/i,
  /(^|\/)[^/]+_test\.(go|py|rb|exs?)$/i,
];

const DOC_PATH = [
  /(^|\/)(docs?|documentation)\//i,
  /\.(md|mdx|markdown|rst|adoc|asciidoc|txt)$/i,
  /(^|\/)(README|CHANGELOG|CONTRIBUTING|LICENSE|NOTICE|AUTHORS)(\.[a-z0-9]+)?$/i,
];

export function isTestPath(path: string): boolean {
  return TEST_PATH.some((pattern) => pattern.test(path));
}

export function isDocPath(path: string): boolean {
  return DOC_PATH.some((pattern) => pattern.test(path));
}
