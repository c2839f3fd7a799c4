// The store contract and helpers, free of any database driver (safe to bundle anywhere).
export * from './types.js';
export * from './cursor.js';
export * from './insight-types.js';
export * from './identities.js';
