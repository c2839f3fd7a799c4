// The CLI's code as a library: what the GitHub Action wraps.
export { trackHistory, type TrackOptions, type TrackSummary, type TrackHooks } from './track/track-history.js';
export type { ContributorTotals } from './track/person-totals.js';
export { settingsFingerprint, type CreditSettings } from './track/settings.js';
export type { ContributionSink, SinkCounts } from './sinks/sink.js';
export { DryRunSink } from './sinks/dry-run-sink.js';
export { openSqliteSink } from './sinks/sqlite-sink.js';
export { CoherenceError, errors, isCoherenceError } from './errors.js';
export { summaryAsJson, summaryAsText } from './output/track-summary.js';
export { VERSION } from './version.js';
export { ApiSink, API_BATCH_ITEMS, type ApiSinkOptions } from './sinks/api-sink.js';
export { ApiClient, apiBase, displayUrl } from './api/api-client.js';
export { Spool, type SpooledItem } from './api/spool.js';
export { flushSpool, type FlushSummary } from './api/flush-spool.js';
export { registerSecret, redact } from './report-error.js';
