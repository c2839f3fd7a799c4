// The simple-git instance used for short git calls, configured once for every call site.

import { simpleGit, type SimpleGit, type SimpleGitOptions } from 'simple-git';
import { gitEnvironment } from './git-environment.js';

/**
 * simple-git refuses to pass through environment variables such as EDITOR, PAGER, GIT_SSH or
 * GIT_CONFIG_GLOBAL once an explicit environment is given. Here that environment is the user's own,
 * and every argument we pass is fixed or a verified ref, so those guards would only break real setups.
 */
const TRUST_USER_ENVIRONMENT: SimpleGitOptions['unsafe'] = {
  allowUnsafeAlias: true,
  allowUnsafeAskPass: true,
  allowUnsafeConfigPaths: true,
  allowUnsafeConfigEnvCount: true,
  allowUnsafeCredentialHelper: true,
  allowUnsafeEditor: true,
  allowUnsafeMergeDriver: true,
  allowUnsafePager: true,
  allowUnsafeSshCommand: true,
  allowUnsafeGitProxy: true,
  allowUnsafeHooksPath: true,
  allowUnsafeDiffExternal: true,
  allowUnsafeDiffTextConv: true,
  allowUnsafeFilter: true,
  allowUnsafeFsMonitor: true,
  allowUnsafeGpgProgram: true,
  allowUnsafeTemplateDir: true,
};

/** `dir` must exist: simple-git throws synchronously otherwise. */
export function createGitClient(dir: string): SimpleGit {
  return simpleGit({ baseDir: dir, trimmed: false, maxConcurrentProcesses: 4, unsafe: TRUST_USER_ENVIRONMENT }).env(gitEnvironment());
}
