import type { Generated, Kysely } from 'kysely';
import { narrow } from '../db/connect.js';
import { prepare } from '../db/prepared.js';
import type { ModuleMigration } from '../db/migrate.js';
import { nowIso } from '../ids/ids.js';

export interface AuditTables {
  audit_log: {
    id: Generated<number>;
    entity_type: string;
    entity_id: string;
    actor_id: string | null;
    action: string;
    before: string | null;
    after: string | null;
    created_at: string;
  };
}

/** One change to a thing: who did what, and the changed fields before and after. */
export interface AuditEntry {
  entityType: string;
  entityId: string;
  actorId: string | null;
  action: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

export interface AuditRecord extends Required<AuditEntry> {
  id: number;
  createdAt: string;
}

export const auditMigrations: ModuleMigration[] = [
  {
    name: '2026-11-26-00-core-audit',
    async up(db, t) {
      await db.schema
        .createTable('audit_log')
        .addColumn('id', t.serial, t.serialKey)
        .addColumn('entity_type', 'text', (c) => c.notNull())
        .addColumn('entity_id', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('before', 'text')
        .addColumn('after', 'text')
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_log_entity').on('audit_log').columns(['entity_type', 'entity_id', 'id']).execute();
    },
  },
];

type AuditRow = Omit<AuditTables['audit_log'], 'id'>;
const insertAudit = prepare((db: Kysely<AuditTables>, p: AuditRow) =>
  db.insertInto('audit_log').values({ entity_type: p.entity_type, entity_id: p.entity_id, actor_id: p.actor_id, action: p.action, before: p.before, after: p.after, created_at: p.created_at }),
);

/** Records a change in the caller's transaction. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function recordAudit(trx: Kysely<any>, e: AuditEntry): Promise<void> {
  await insertAudit.run(narrow<AuditTables>(trx), {
    entity_type: e.entityType,
    entity_id: e.entityId,
    actor_id: e.actorId,
    action: e.action,
    before: e.before ? JSON.stringify(e.before) : null,
    after: e.after ? JSON.stringify(e.after) : null,
    created_at: nowIso(),
  });
}

/** The audit trail of one thing, oldest first. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function listAudit(db: Kysely<any>, entityType: string, entityId: string): Promise<AuditRecord[]> {
  const rows = await narrow<AuditTables>(db)
    .selectFrom('audit_log')
    .selectAll()
    .where('entity_type', '=', entityType)
    .where('entity_id', '=', entityId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    entityType: r.entity_type,
    entityId: r.entity_id,
    actorId: r.actor_id,
    action: r.action,
    before: r.before ? JSON.parse(r.before) : null,
    after: r.after ? JSON.parse(r.after) : null,
    createdAt: r.created_at,
  }));
}
