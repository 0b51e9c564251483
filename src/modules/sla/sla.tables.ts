import { sql } from 'kysely';
import type { ModuleMigration } from '../../core/db/migrate.js';

export interface SlaTables {
  /** Business calendars: the working time SLA clocks count in. */
  calendars: {
    id: string;
    name: string;
    /** IANA name, e.g. Europe/Moscow; working hours are wall-clock times there. */
    time_zone: string;
    /** 1 for 24/7 (the hours below are then kept but not used), else 0. */
    always_open: number;
    /** JSON: weekday (mon…sun) → [["HH:MM","HH:MM"], …]; a missing weekday has no hours. */
    week: string;
    /** JSON array of dates YYYY-MM-DD with no working hours. */
    holidays: string;
    /** JSON array of weekend dates that are worked with Monday's hours. */
    working_days: string;
    /** JSON: date YYYY-MM-DD → that date's own intervals (wins over everything else). */
    special_days: string;
    created_at: string;
    updated_at: string;
  };
}

export const slaMigrations: ModuleMigration[] = [
  {
    name: '2026-11-26-03-sla-calendars',
    async up(db, t) {
      await db.schema
        .createTable('calendars')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('time_zone', 'text', (c) => c.notNull())
        .addColumn('always_open', 'integer', (c) => c.notNull().defaultTo(0).check(sql`always_open in (0, 1)`))
        .addColumn('week', 'text', (c) => c.notNull())
        .addColumn('holidays', 'text', (c) => c.notNull())
        .addColumn('working_days', 'text', (c) => c.notNull())
        .addColumn('special_days', 'text', (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
    },
  },
];
