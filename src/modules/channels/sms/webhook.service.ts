import { Forbidden, Invalid, Unauthorized } from '../../../core/errors.js';
import type { AppContext } from '../../db.js';
import { receiveSms, type SmsIntakeResult } from './intake.service.js';
import { recordDeliveryReport, type ReportedStatus } from './outbound.service.js';
import { sameSecret, validTwilioSignature } from './signature.js';
import * as repo from './sms.repo.js';
import { openGateway } from './gateway-secrets.js';
import type { GatewayKind } from './sms.tables.js';

/** Kannel's report types (%d): delivered, failed, buffered, accepted by the SMSC, rejected by it. */
const KANNEL_DLR: Record<number, ReportedStatus> = { 1: 'delivered', 2: 'failed', 4: 'buffered', 8: 'accepted', 16: 'failed' };
/** Twilio-style MessageStatus values. */
const TWILIO_STATUS: Record<string, ReportedStatus> = {
  accepted: 'accepted',
  queued: 'accepted',
  sending: 'accepted',
  sent: 'sent',
  delivered: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
};

const refused = () => new Forbidden('Wrong secret or signature for this gateway');

/** The active gateway of this kind, when the caller proves it is that gateway; else 401/403 (the same for an unknown gateway). */
async function gatewayFor(app: AppContext, id: string, kind: GatewayKind, proves: (g: repo.GatewayRow) => boolean) {
  const g = /^[0-9a-f-]{36}$/i.test(id) ? await repo.findGateway(app.db, id) : undefined;
  if (!g || g.kind !== kind || g.active !== 1 || !proves(openGateway(app, g))) throw refused();
  return g;
}

/** Kannel proves itself by the secret in the URL it calls (compared in constant time). */
export function kannelGateway(app: AppContext, id: string, secret: string | undefined) {
  if (!secret) throw new Unauthorized('The secret is missing from the URL');
  return gatewayFor(app, id, 'kannel', (g) => sameSecret(g.secret, secret));
}

/** A Twilio-style gateway proves itself by signing the public URL it called and the parameters. */
export function twilioGateway(app: AppContext, id: string, pathAndQuery: string, params: Record<string, string>, signature: string | undefined) {
  if (!signature) throw new Unauthorized('The X-Twilio-Signature header is missing');
  return gatewayFor(app, id, 'twilio', (g) => validTwilioSignature(g.secret, app.config.publicUrl + pathAndQuery, params, signature));
}

/** An SMS from Kannel's sms-service (get-url or post-url). */
export function kannelIncoming(app: AppContext, gateway: repo.GatewayRow, m: { from: string; to: string; text: string; id: string | null }): Promise<SmsIntakeResult> {
  return receiveSms(app, { gateway, from: m.from, to: m.to, text: m.text, externalId: m.id || null });
}

/** Kannel's delivery report for an outbox row. */
export async function kannelReport(app: AppContext, gateway: repo.GatewayRow, r: { outbox: string | undefined; type: string | undefined; status: string | undefined }) {
  const outboxId = Number(r.outbox);
  if (!r.outbox || !Number.isSafeInteger(outboxId) || outboxId < 1) throw new Invalid('outbox must be the outbox id the report is about', 'outbox');
  const status = KANNEL_DLR[Number(r.type)];
  if (!status) throw new Invalid('type must be a Kannel report type (1, 2, 4, 8 or 16)', 'type');
  await recordDeliveryReport(app, gateway.id, { outboxId }, status, r.status ? `Kannel: ${r.status}`.slice(0, 500) : null);
}

/** A Twilio-style inbound SMS: the same MessageSid twice is one message. */
export function twilioIncoming(app: AppContext, gateway: repo.GatewayRow, p: Record<string, string>): Promise<SmsIntakeResult> {
  if (!p.MessageSid) throw new Invalid('MessageSid is missing', 'MessageSid');
  return receiveSms(app, { gateway, from: p.From ?? '', to: p.To ?? '', text: p.Body ?? '', externalId: p.MessageSid });
}

/** A Twilio-style status callback. */
export async function twilioStatus(app: AppContext, gateway: repo.GatewayRow, p: Record<string, string>) {
  if (!p.MessageSid) throw new Invalid('MessageSid is missing', 'MessageSid');
  const status = TWILIO_STATUS[p.MessageStatus ?? ''];
  if (!status) throw new Invalid('MessageStatus is missing or unknown', 'MessageStatus');
  const detail = p.ErrorCode ? `Error ${p.ErrorCode}${p.ErrorMessage ? `: ${p.ErrorMessage}` : ''}`.slice(0, 500) : null;
  await recordDeliveryReport(app, gateway.id, { externalId: p.MessageSid }, status, detail);
}
