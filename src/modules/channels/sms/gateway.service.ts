import { recordAudit } from '../../../core/audit/audit.js';
import { inTransaction } from '../../../core/db/connect.js';
import { isUniqueViolation } from '../../../core/db/dialect.js';
import { Conflict, Invalid, NotFound } from '../../../core/errors.js';
import { newId, newSecret } from '../../../core/ids/ids.js';
import type { AppContext } from '../../db.js';
import { findOrganization, type Actor } from '../../identity/index.js';
import { assertMayAdministerSms } from './sms.policy.js';
import * as repo from './sms.repo.js';
import type { GatewayKind, UnknownSenderPolicy } from './sms.tables.js';

/** A gateway as an admin configures it. Outbound settings of its kind, or null: it only receives. */
export interface GatewayInput {
  name: string;
  kind: GatewayKind;
  /** Kannel: generated when absent. Twilio-style: the account's auth token (required). */
  secret?: string;
  fromNumber?: string | null;
  kannel?: { sendsmsUrl: string; username: string; password?: string } | null;
  twilio?: { apiBaseUrl: string; accountSid: string } | null;
  unknownSenderPolicy?: UnknownSenderPolicy;
  organizationId?: string | null;
  active?: boolean;
}

export async function listGateways(app: AppContext, actor: Actor) {
  assertMayAdministerSms(actor);
  return repo.listGateways(app.db);
}

export async function getGateway(app: AppContext, actor: Actor, id: string) {
  assertMayAdministerSms(actor);
  const g = await repo.findGateway(app.db, id);
  if (!g) throw new NotFound('Gateway');
  return g;
}

/** The audit trail never holds a secret or a password. */
const forAudit = (input: Partial<GatewayInput>) => ({
  ...input,
  ...(input.secret && { secret: '***' }),
  ...(input.kannel && { kannel: { ...input.kannel, password: input.kannel.password ? '***' : undefined } }),
});

async function unique<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict('A gateway of this name exists already', 'already_exists');
    throw err;
  }
}

/** Checks what the schema cannot: settings of the other kind, the organization for new requesters. */
async function assertShape(app: AppContext, g: { kind: GatewayKind; policy: UnknownSenderPolicy; organizationId: string | null; hasKannel: boolean; hasTwilio: boolean }) {
  if (g.kind === 'kannel' && g.hasTwilio) throw new Invalid('A Kannel gateway has no Twilio-style settings', 'twilio');
  if (g.kind === 'twilio' && g.hasKannel) throw new Invalid('A Twilio-style gateway has no Kannel settings', 'kannel');
  if (g.organizationId && !(await findOrganization(app.db, g.organizationId))) throw new Invalid('No such organization', 'organizationId');
  if (g.policy === 'create' && !g.organizationId)
    throw new Invalid('Requesters from unknown numbers are created in an organization: name one (it may be a holding organization)', 'organizationId');
}

/** Kannel's sendsms settings as stored: the password sealed (`keepPassword`: the stored, sealed one). */
const kannelColumns = (app: AppContext, k: GatewayInput['kannel'], keepPassword: string | null) =>
  k
    ? { kannel_sendsms_url: k.sendsmsUrl, kannel_username: k.username, kannel_password: k.password ? app.secrets.seal(k.password) : keepPassword }
    : { kannel_sendsms_url: null, kannel_username: null, kannel_password: null };
const twilioColumns = (t: GatewayInput['twilio']) =>
  t ? { api_base_url: t.apiBaseUrl.replace(/\/+$/, ''), account_sid: t.accountSid } : { api_base_url: null, account_sid: null };

/** Creates a gateway; returns it with its secret, which is shown this once. */
export async function createGateway(app: AppContext, actor: Actor, input: GatewayInput) {
  assertMayAdministerSms(actor);
  const policy = input.unknownSenderPolicy ?? 'refuse';
  const organizationId = input.organizationId ?? null;
  await assertShape(app, { kind: input.kind, policy, organizationId, hasKannel: !!input.kannel, hasTwilio: !!input.twilio });
  if (input.kind === 'twilio' && !input.secret) throw new Invalid("A Twilio-style gateway needs the account's auth token", 'secret');
  if (input.kannel && !input.kannel.password) throw new Invalid("Kannel's sendsms needs the sendsms-user's password", 'kannel.password');
  const id = newId();
  const secret = input.secret ?? newSecret();
  const now = app.clock.now().toISOString();
  await unique(() =>
    inTransaction(app.db, async (trx) => {
      await repo.insertGateway(trx, {
        id,
        name: input.name,
        kind: input.kind,
        secret: app.secrets.seal(secret),
        from_number: input.fromNumber ?? null,
        ...kannelColumns(app, input.kannel, null),
        ...twilioColumns(input.twilio),
        unknown_sender_policy: policy,
        organization_id: organizationId,
        active: input.active === false ? 0 : 1,
        created_at: now,
        updated_at: now,
      });
      await recordAudit(trx, { entityType: 'sms_gateway', entityId: id, actorId: actor.id, action: 'created', after: forAudit(input) });
    }),
  );
  return { gateway: (await repo.findGateway(app.db, id))!, secret };
}

export async function updateGateway(app: AppContext, actor: Actor, id: string, input: Partial<GatewayInput>) {
  const before = await getGateway(app, actor, id);
  if (input.kind !== undefined && input.kind !== before.kind) throw new Invalid('The kind of a gateway cannot change; make a new one', 'kind');
  const kannel = input.kannel !== undefined ? input.kannel : before.kannel_sendsms_url;
  const twilio = input.twilio !== undefined ? input.twilio : before.api_base_url;
  await assertShape(app, {
    kind: before.kind,
    policy: input.unknownSenderPolicy ?? before.unknown_sender_policy,
    organizationId: input.organizationId !== undefined ? input.organizationId : before.organization_id,
    hasKannel: !!kannel,
    hasTwilio: !!twilio,
  });
  if (input.kannel && !input.kannel.password && !before.kannel_password) throw new Invalid("Kannel's sendsms needs the sendsms-user's password", 'kannel.password');
  await unique(() =>
    inTransaction(app.db, async (trx) => {
      await repo.updateGateway(trx, id, {
        ...(input.name !== undefined && { name: input.name }),
        ...(input.secret !== undefined && { secret: app.secrets.seal(input.secret) }),
        ...(input.fromNumber !== undefined && { from_number: input.fromNumber }),
        ...(input.kannel !== undefined && kannelColumns(app, input.kannel, before.kannel_password)),
        ...(input.twilio !== undefined && twilioColumns(input.twilio)),
        ...(input.unknownSenderPolicy !== undefined && { unknown_sender_policy: input.unknownSenderPolicy }),
        ...(input.organizationId !== undefined && { organization_id: input.organizationId }),
        ...(input.active !== undefined && { active: input.active ? 1 : 0 }),
        updated_at: app.clock.now().toISOString(),
      });
      await recordAudit(trx, { entityType: 'sms_gateway', entityId: id, actorId: actor.id, action: 'updated', after: forAudit(input) });
    }),
  );
  return (await repo.findGateway(app.db, id))!;
}

/** A new secret for a Kannel gateway, made here and shown this once; the old one stops working at once. */
export async function rotateSecret(app: AppContext, actor: Actor, id: string) {
  const before = await getGateway(app, actor, id);
  if (before.kind !== 'kannel') throw new Conflict("A Twilio-style gateway's secret is the account's auth token: set it with PATCH", 'invalid_state');
  const secret = newSecret();
  await inTransaction(app.db, async (trx) => {
    await repo.updateGateway(trx, id, { secret: app.secrets.seal(secret), updated_at: app.clock.now().toISOString() });
    await recordAudit(trx, { entityType: 'sms_gateway', entityId: id, actorId: actor.id, action: 'secret_rotated' });
  });
  return { gateway: (await repo.findGateway(app.db, id))!, secret };
}

export async function deleteGateway(app: AppContext, actor: Actor, id: string) {
  await getGateway(app, actor, id);
  await inTransaction(app.db, async (trx) => {
    await repo.deleteGateway(trx, id);
    await recordAudit(trx, { entityType: 'sms_gateway', entityId: id, actorId: actor.id, action: 'deleted' });
  });
}
