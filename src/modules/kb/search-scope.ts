import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { IndexedDoc, SearchScope } from './search-engine.js';

/**
 * The condition on `kb_search_docs` (as `alias`) that keeps what the scope may see (PostgreSQL;
 * SQLite filters inside its full-text index instead); null when it may see nothing at all.
 */
export function scopeCondition(alias: string, scope: SearchScope): RawBuilder<SqlBool> | null {
  const col = (name: string) => sql.ref(`${alias}.${name}`);
  const parts: RawBuilder<SqlBool>[] = [];
  if (scope.spaceIds === undefined) parts.push(sql<SqlBool>`${col('kind')} = 'page'`);
  else if (scope.spaceIds.length) parts.push(sql<SqlBool>`(${col('kind')} = 'page' and ${col('space_id')} in (${sql.join(scope.spaceIds)}))`);
  const t = scope.tickets;
  if (t === 'all') parts.push(sql<SqlBool>`${col('kind')} = 'ticket'`);
  else if (t !== 'none')
    parts.push(
      t.requesterId
        ? sql<SqlBool>`(${col('kind')} = 'ticket' and ${col('organization_id')} = ${t.organizationId} and ${col('requester_id')} = ${t.requesterId})`
        : sql<SqlBool>`(${col('kind')} = 'ticket' and ${col('organization_id')} = ${t.organizationId})`,
    );
  if (!parts.length) return null;
  const visible = sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
  if (!scope.excludeRefIds?.length) return visible;
  return sql<SqlBool>`${visible} and ${col('ref_id')} not in (${sql.join(scope.excludeRefIds)})`;
}

/** The columns of `kb_search_docs` for a document. */
export const docColumns = (doc: IndexedDoc) => ({
  kind: doc.kind,
  ref_id: doc.refId,
  space_id: doc.spaceId,
  organization_id: doc.organizationId,
  requester_id: doc.requesterId,
  title: doc.title,
  body: doc.body,
  updated_at: doc.updatedAt,
});
