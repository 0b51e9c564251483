import { z } from 'zod';
import { Text } from './common.js';
import { Bilingual } from './email.js';

const HttpUrl = z.string().trim().url().max(2000).regex(/^https?:\/\//i, 'must be an http(s) URL');
/** A sender as gateways take it: an E.164 number, a short code, or an alphanumeric name (at most 11 characters). */
const Sender = z.string().trim().regex(/^(\+?\d{3,15}|[A-Za-z0-9 ]{1,11})$/, 'a phone number, short code or alphanumeric sender of at most 11 characters');

const GatewayFields = {
  name: Text(120),
  kind: z.enum(['kannel', 'twilio']),
  secret: z.string().min(16).max(200).optional().describe('write-only. Kannel: the secret in the URLs Kannel calls (generated when left out). Twilio-style: the auth token'),
  fromNumber: Sender.nullable().optional().describe('the sender of outgoing SMS'),
  kannel: z
    .object({
      sendsmsUrl: HttpUrl.describe("smsbox's sendsms URL, e.g. http://127.0.0.1:13013/cgi-bin/sendsms"),
      username: Text(100),
      password: z.string().min(1).max(200).optional().describe('write-only; leave out to keep the stored one'),
    })
    .nullable()
    .optional()
    .describe('outbound through Kannel; null: this gateway only receives'),
  twilio: z
    .object({ apiBaseUrl: HttpUrl.describe('e.g. https://api.twilio.com'), accountSid: z.string().trim().regex(/^[A-Za-z0-9]{8,64}$/, 'an account SID') })
    .nullable()
    .optional()
    .describe('outbound through a Twilio-style Messages API; null: this gateway only receives'),
  unknownSenderPolicy: z.enum(['create', 'refuse']).optional().describe('an SMS from a number nobody has: create a requester to identify, or quarantine it (the default)'),
  organizationId: z.string().uuid().nullable().optional().describe('where requesters from unknown numbers are created'),
  active: z.boolean().optional(),
};

export const GatewayCreate = z.object(GatewayFields).strict();
export const GatewayPatch = z.object({ ...GatewayFields, name: GatewayFields.name.optional(), kind: GatewayFields.kind.optional() }).strict();

export const Gateway = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['kannel', 'twilio']),
  hasSecret: z.boolean(),
  fromNumber: z.string().nullable(),
  kannel: z.object({ sendsmsUrl: z.string(), username: z.string(), hasPassword: z.boolean() }).nullable(),
  twilio: z.object({ apiBaseUrl: z.string(), accountSid: z.string() }).nullable(),
  unknownSenderPolicy: z.enum(['create', 'refuse']),
  organizationId: z.string().nullable(),
  active: z.boolean(),
  urls: z.object({ incoming: z.string(), deliveryReport: z.string() }).describe('what to configure at the gateway (<secret> stands for the secret)'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const CreatedGateway = Gateway.extend({ secret: z.string().nullable().describe('the Kannel secret, shown this once; null for a Twilio-style gateway') });
export const Gateways = z.object({ items: z.array(Gateway) });

export const SmsStatus = z.enum(['created', 'appended', 'opted_out', 'opted_in', 'quarantined', 'queued', 'sent', 'delivered', 'failed']);
export const SmsListQuery = z.object({
  status: z
    .union([SmsStatus, z.array(SmsStatus)])
    .optional()
    .transform((v) => (v === undefined ? undefined : Array.isArray(v) ? v : [v])),
  direction: z.enum(['in', 'out']).optional(),
  cursor: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export const SmsMessage = z.object({
  id: z.string(),
  direction: z.enum(['in', 'out']),
  gatewayId: z.string().nullable(),
  from: z.string(),
  to: z.string(),
  text: z.string(),
  parts: z.number(),
  coding: z.enum(['gsm7', 'ucs2']),
  status: SmsStatus,
  reason: z.string().nullable(),
  reasonText: Bilingual.nullable(),
  detail: z.string().nullable(),
  ticketId: z.string().nullable(),
  userId: z.string().nullable(),
  externalId: z.string().nullable(),
  deliveryReport: z.object({ status: z.string(), at: z.string().nullable() }).nullable(),
  receivedAt: z.string(),
  processedAt: z.string(),
  attempts: z.number(),
});
export const SmsPage = z.object({ items: z.array(SmsMessage), nextCursor: z.string().nullable() });
export const SmsReprocessResult = z.object({ message: SmsMessage, outcome: SmsStatus });
