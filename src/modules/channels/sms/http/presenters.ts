import { gatewayUrls } from '../delivery.js';
import { smsReasonText } from '../sms.messages.js';
import type { GatewayRow, SmsRow } from '../sms.repo.js';

/** A gateway for admins: never its secret or password, only whether one is set. */
export const presentGateway = (config: { publicUrl: string }) => (g: GatewayRow) => ({
  id: g.id,
  name: g.name,
  kind: g.kind,
  hasSecret: !!g.secret,
  fromNumber: g.from_number,
  kannel: g.kannel_sendsms_url ? { sendsmsUrl: g.kannel_sendsms_url, username: g.kannel_username ?? '', hasPassword: !!g.kannel_password } : null,
  twilio: g.api_base_url && g.account_sid ? { apiBaseUrl: g.api_base_url, accountSid: g.account_sid } : null,
  unknownSenderPolicy: g.unknown_sender_policy,
  organizationId: g.organization_id,
  active: g.active === 1,
  urls: gatewayUrls(config.publicUrl, g),
  createdAt: g.created_at,
  updatedAt: g.updated_at,
});

export const presentSms = (m: SmsRow) => ({
  id: String(m.id),
  direction: m.direction,
  gatewayId: m.gateway_id,
  from: m.from_number,
  to: m.to_number,
  text: m.text,
  parts: m.parts,
  coding: m.coding,
  status: m.status,
  reason: m.reason,
  reasonText: smsReasonText(m.reason),
  detail: m.detail,
  ticketId: m.ticket_id,
  userId: m.user_id,
  externalId: m.external_id,
  deliveryReport: m.dlr_status ? { status: m.dlr_status, at: m.dlr_at } : null,
  receivedAt: m.received_at,
  processedAt: m.processed_at,
  attempts: m.attempts,
});
