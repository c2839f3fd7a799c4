// One line per request on the log: method, path, status, milliseconds. The query string is left out
// and every configured key is masked, so no key reaches the log even if a client misplaces one.

import type { MiddlewareHandler } from 'hono';
import type { AppEnv, Logger } from './app-env.js';

export function requestLog(logger: Logger, mask: (text: string) => string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const ms = (performance.now() - started).toFixed(1);
      logger(mask(`${c.req.method} ${c.req.path} ${c.res.status} ${ms}ms`));
    }
  };
}

/** Replaces every secret in a text with ***. */
export function secretMasker(secrets: ReadonlyArray<string | undefined>): (text: string) => string {
  const known = secrets.filter((secret): secret is string => secret !== undefined && secret.length > 0);
  return (text) => known.reduce((masked, secret) => masked.split(secret).join('***'), text);
}
