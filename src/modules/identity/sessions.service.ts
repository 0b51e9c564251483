import { recordAudit } from '../../core/audit/audit.js';
import { inTransaction } from '../../core/db/connect.js';
import { NotFound } from '../../core/errors.js';
import type { AppContext } from '../db.js';
import type { Actor } from './actor.js';
import { forgetAuthentications } from './auth.service.js';
import * as repo from './identity.repo.js';
import { assertAdmin } from './identity.policy.js';
import * as sec from './security.repo.js';
import { describeDevice } from './user-agent.js';

/** The live sessions of a person (their own, or any person's for an admin), newest first. */
export async function listSessions(app: AppContext, actor: Actor, userId: string, currentSessionId?: string) {
  if (userId !== actor.id) assertAdmin(actor);
  if (!(await repo.findUserById(app.db, userId))) throw new NotFound('Person');
  const rows = await sec.listSessions(app.db, userId, app.clock.now().toISOString());
  return rows.map((r) => ({
    id: r.id,
    current: r.id === currentSessionId,
    ...describeDevice(r.user_agent),
    userAgent: r.user_agent,
    ip: r.ip,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    expiresAt: r.expires_at,
  }));
}

/** Ends one session of a person (one's own, or an admin any person's). */
export async function endSession(app: AppContext, actor: Actor, userId: string, sessionId: string) {
  if (userId !== actor.id) assertAdmin(actor);
  const ended = await inTransaction(app.db, async (trx) => {
    if (!(await sec.deleteUserSession(trx, userId, sessionId))) return false;
    await recordAudit(trx, { entityType: 'user', entityId: userId, actorId: actor.id, action: 'session_ended' });
    return true;
  });
  if (!ended) throw new NotFound('Session');
  forgetAuthentications();
}

/**
 * Signs a person out everywhere: every session but the caller's own one ends and remembered
 * browsers are forgotten; with `revokeTokens` their API tokens stop working too. An admin may do
 * it for anyone (then no session is kept).
 */
export async function endAllSessions(app: AppContext, actor: Actor, userId: string, opts: { keepSessionId?: string; revokeTokens?: boolean }) {
  if (userId !== actor.id) assertAdmin(actor);
  if (!(await repo.findUserById(app.db, userId))) throw new NotFound('Person');
  await inTransaction(app.db, async (trx) => {
    await repo.deleteUserSessions(trx, userId, userId === actor.id ? opts.keepSessionId : undefined);
    await sec.deleteDevices(trx, userId);
    if (opts.revokeTokens) await sec.revokeUserTokens(trx, userId, app.clock.now().toISOString());
    await recordAudit(trx, {
      entityType: 'user',
      entityId: userId,
      actorId: actor.id,
      action: 'signed_out_everywhere',
      after: { tokensRevoked: Boolean(opts.revokeTokens) },
    });
  });
  forgetAuthentications();
}
