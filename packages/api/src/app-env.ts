// What every request handler can reach: the services createApp was given, and the request body once read.

import type { ContributionStore } from './store/types.js';
import type { AccessControl } from './access.js';

export type Logger = (line: string) => void;

export interface AppServices {
  store: ContributionStore;
  access: AccessControl;
  /** Unset: the webhook receiver refuses every delivery. */
  webhookSecret: string | undefined;
  logger: Logger;
}

export interface AppEnv {
  Variables: {
    services: AppServices;
    /** The body exactly as received (webhook signatures are computed over these bytes' text). */
    rawBody: string;
    /** The parsed JSON body. */
    body: unknown;
  };
}
