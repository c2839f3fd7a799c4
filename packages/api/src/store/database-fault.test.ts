import { describe, expect, it } from 'vitest';
import { DatabaseUnavailableError, isDatabaseFault, serializeError } from './database-fault.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseFault', () => {
  it('takes connection loss, shutdowns, timeouts and refusals for faults', () => {
    for (const code of ['08006', '57P01', '57P03', '57014', '53300', '55000', '40P01', '3D000', '25P03', 'ECONNREFUSED', 'ECONNRESET', 'SQLITE_BUSY', 'SQLITE_IOERR_WRITE']) {
      expect(isDatabaseFault(withCode(code)), code).toBe(true);
    }
    for (const message of ['Connection terminated unexpectedly', 'timeout exceeded when trying to connect', 'Client has encountered a connection error and is not queryable', 'Received unexpected commandComplete message from backend.']) {
      expect(isDatabaseFault(new Error(message)), message).toBe(true);
    }
    expect(isDatabaseFault(new Error('Connection terminated due to connection timeout', { cause: withCode('ETIMEDOUT') }))).toBe(true);
    expect(isDatabaseFault(new Error('wrapped', { cause: withCode('57P01') }))).toBe(true);
    expect(isDatabaseFault(new DatabaseUnavailableError('down'))).toBe(true);
  });

  it('leaves refused values and bugs alone', () => {
    for (const code of ['23505', '23514', '22P05', '42P01', '42601', 'SQLITE_CONSTRAINT_CHECK', 'ERR_INVALID_ARG_TYPE']) {
      expect(isDatabaseFault(withCode(code)), code).toBe(false);
    }
    expect(isDatabaseFault(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isDatabaseFault('a string')).toBe(false);
    expect(isDatabaseFault(null)).toBe(false);
  });
});

describe('serializeError', () => {
  it('keeps name, message and code as plain data', () => {
    expect(serializeError(withCode('SQLITE_BUSY', 'database is locked'))).toEqual({ name: 'Error', message: 'database is locked', code: 'SQLITE_BUSY' });
    expect(serializeError('plain')).toEqual({ message: 'plain' });
  });
});
