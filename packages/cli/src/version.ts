// The released version, shown by --version and sent as the API client's user agent.
export const VERSION = '0.1.0';
