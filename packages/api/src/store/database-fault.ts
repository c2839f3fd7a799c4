// Telling a database that is down, restarting or overloaded from a request that is wrong. A fault is the
// database's, not the client's: the API answers 503 with Retry-After (never 500), and the client's retry
// is safe because every write is idempotent.

/** The database could not serve this operation now; another attempt later may succeed. */
export class DatabaseUnavailableError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'DatabaseUnavailableError';
  }
}

// SQLSTATE classes of faults rather than of requests: 08 connection exception, 40 transaction rollback
// (serialisation failures and deadlocks that outlived their retries), 53 insufficient resources (too many
// connections, disk full), 55 object not in prerequisite state (a database not accepting connections),
// 57 operator intervention (shutdown, restart, statement timeout), 58 system error (I/O), XX internal
// error (a corrupted page), 3D a database that is gone, 28 refused credentials.
const FAULT_CLASSES = new Set(['08', '40', '53', '55', '57', '58', 'XX', '3D', '28']);
// The socket and the driver's own connection failures, which carry no SQLSTATE.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
  'ERR_SOCKET_CLOSED',
]);
// Connection-ending states outside those classes: a transaction idle past its timeout.
const FAULT_STATES = new Set(['25P03']);
const DRIVER_MESSAGES =
  /connection terminated|terminating connection|connection error|not queryable|timeout exceeded when trying to connect|query read timeout|connection timeout|the database system is|unexpected \w+ message from backend/i;
// SQLite: the file locked past the busy timeout, or the disk refusing a write.
const SQLITE_CODES = /^SQLITE_(?:BUSY|LOCKED|IOERR|FULL|CANTOPEN|PROTOCOL)/;

export function isDatabaseFault(error: unknown, depth = 0): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof code === 'string') {
    if (/^[0-9A-Z]{5}$/.test(code)) return FAULT_CLASSES.has(code.slice(0, 2)) || FAULT_STATES.has(code);
    if (NETWORK_CODES.has(code) || SQLITE_CODES.test(code)) return true;
  }
  if (typeof message === 'string' && DRIVER_MESSAGES.test(message)) return true;
  // The driver wraps some failures (a connection timeout) around the socket's own error.
  return depth < 3 && cause !== undefined && isDatabaseFault(cause, depth + 1);
}

/** An error as plain data, to cross a thread boundary. */
export interface SerializedError {
  name?: string;
  message: string;
  code?: string;
}

export function serializeError(error: unknown): SerializedError {
  const { name, message, code } = (error ?? {}) as { name?: unknown; message?: unknown; code?: unknown };
  return {
    ...(typeof name === 'string' ? { name } : {}),
    message: typeof message === 'string' ? message : String(error),
    ...(typeof code === 'string' ? { code } : {}),
  };
}
