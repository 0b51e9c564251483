/** The purge of operational rows past their age (see retention.service.ts). */
export { ensureRetentionSchedule, purgeExpired, retentionHandler, RETENTION_TIMER, type PurgeCounts } from './retention.service.js';
