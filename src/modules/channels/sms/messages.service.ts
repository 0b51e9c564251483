import { recordAudit } from '../../../core/audit/audit.js';
import { Conflict, Invalid, NotFound } from '../../../core/errors.js';
import type { AppContext } from '../../db.js';
import type { Actor } from '../../identity/index.js';
import { intake } from './intake.service.js';
import { assertMayAdministerSms } from './sms.policy.js';
import * as repo from './sms.repo.js';
import type { SmsStatus } from './sms.tables.js';

/** One page of the SMS log for admins (the quarantine: status=quarantined), newest first. */
export async function listSms(app: AppContext, actor: Actor, q: { statuses?: SmsStatus[]; direction?: 'in' | 'out'; cursor?: string; limit: number }) {
  assertMayAdministerSms(actor);
  let after: number | undefined;
  if (q.cursor) {
    after = Number(Buffer.from(q.cursor, 'base64url').toString());
    if (!Number.isSafeInteger(after) || after < 1) throw new Invalid('The cursor is not one this list gave out', 'cursor');
  }
  const rows = await repo.listSms(app.db, { statuses: q.statuses, direction: q.direction, after, limit: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > q.limit && last ? Buffer.from(String(last.id)).toString('base64url') : null;
  return { rows: page, nextCursor };
}

async function findInbound(app: AppContext, id: string) {
  const m = /^\d{1,15}$/.test(id) ? await repo.findSms(app.db, Number(id)) : undefined;
  if (!m) throw new NotFound('SMS');
  return m;
}

export async function getSms(app: AppContext, actor: Actor, id: string) {
  assertMayAdministerSms(actor);
  return findInbound(app, id);
}

/**
 * Runs a quarantined inbound SMS through intake again, as it arrived, after an admin fixed what
 * stopped it (a number set on a person, a gateway's policy changed). The rate limit does not apply.
 */
export async function reprocessSms(app: AppContext, actor: Actor, id: string) {
  assertMayAdministerSms(actor);
  const m = await findInbound(app, id);
  if (m.direction !== 'in' || m.status !== 'quarantined') throw new Conflict('Only a quarantined inbound SMS can be processed again', 'invalid_state');
  const gateway = m.gateway_id ? ((await repo.findGateway(app.db, m.gateway_id)) ?? null) : null;
  const result = await intake(app, { gateway, from: m.from_number, to: m.to_number, text: m.text, externalId: m.external_id }, { ignoreRateLimit: true }, m);
  await recordAudit(app.db, {
    entityType: 'sms_message',
    entityId: String(m.id),
    actorId: actor.id,
    action: 'reprocessed',
    before: { status: m.status, reason: m.reason },
    after: { status: result.status, reason: result.reason },
  });
  return { message: (await repo.findSms(app.db, Number(m.id)))!, outcome: result.status as SmsStatus };
}
