import { z } from 'zod';
import { IsoInstant, Text } from './common.js';

export const Direction = z.enum(['inbound', 'outbound']);
export const Outcome = z.enum(['answered', 'missed', 'busy', 'failed', 'voicemail']);
export const Cause = z.enum(['answered', 'no_answer', 'busy', 'failed', 'voicemail', 'cancelled']);
export const CallbackStatus = z.enum(['open', 'merged', 'done']);

/** A number as a PBX or a person writes it: an E.164 number, a local one, an extension, `anonymous`. */
const RawNumber = z.string().trim().min(1).max(64);

/**
 * One call event from a PBX (JSON, or the same fields form-encoded). `at` is when it happened on
 * the PBX; `duration` (hang-up only) the talk time in seconds; `agent` the agent's e-mail or phone.
 */
export const CallEvent = z.object({
  eventId: z.string().trim().min(1).max(200),
  callId: z.string().trim().min(1).max(200),
  type: z.enum(['ringing', 'answered', 'hangup']),
  direction: Direction,
  from: RawNumber,
  to: RawNumber,
  agent: z.string().trim().min(1).max(254).optional(),
  at: IsoInstant,
  duration: z.coerce.number().int().min(0).max(7 * 24 * 3600).optional(),
  cause: Cause.optional(),
});
export type CallEvent = z.infer<typeof CallEvent>;

export const CallEventResult = z.object({ ok: z.literal(true), duplicate: z.boolean(), callId: z.string() });

const ConnectorFields = {
  name: Text(120),
  active: z.boolean().optional(),
  defaultOrganizationId: z.string().uuid().nullable().optional().describe('calls from unknown numbers through it belong to this organization'),
};
export const ConnectorCreate = z.object(ConnectorFields);
export const ConnectorPatch = z.object({ ...ConnectorFields, name: ConnectorFields.name.optional() });

export const Connector = z.object({
  id: z.string(),
  name: z.string(),
  active: z.boolean(),
  defaultOrganizationId: z.string().nullable(),
  eventsUrl: z.string().describe('where the PBX posts its events'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
/** A connector as created (or its secret rotated): the only time its secret is shown. */
export const ConnectorWithSecret = Connector.extend({ secret: z.string() });
export const Connectors = z.object({ items: z.array(Connector) });

const Ref = z.object({ id: z.string(), name: z.string() });

export const Call = z.object({
  id: z.string(),
  connectorId: z.string(),
  externalId: z.string(),
  direction: Direction,
  from: z.string(),
  to: z.string(),
  number: z.string().nullable().describe('the other party in E.164, when it is a number'),
  caller: Ref.extend({ email: z.string() }).nullable(),
  organization: Ref.nullable(),
  agent: Ref.nullable(),
  agentRef: z.string().nullable(),
  startedAt: z.string(),
  answeredAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  talkSeconds: z.number(),
  cause: Cause.nullable(),
  outcome: Outcome.nullable(),
  ticket: z.object({ id: z.string(), number: z.string() }).nullable(),
  callback: z
    .object({
      status: CallbackStatus,
      of: z.string().nullable(),
      doneAt: z.string().nullable(),
      doneBy: Ref.nullable(),
      byCallId: z.string().nullable(),
    })
    .nullable(),
  workEntryId: z.string().nullable(),
});
export const CallPage = z.object({ items: z.array(Call), nextCursor: z.string().nullable() });

const csv = <T extends z.ZodType>(item: T) =>
  z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (!s) return undefined;
      const out: z.infer<T>[] = [];
      for (const part of s.split(',')) {
        const r = item.safeParse(part.trim());
        if (!r.success) {
          ctx.addIssue({ code: 'custom', message: `unknown value ${part.trim()}` });
          return z.NEVER;
        }
        out.push(r.data as z.infer<T>);
      }
      return out;
    });

export const CallListQuery = z.object({
  outcome: csv(Outcome),
  direction: Direction.optional(),
  /** A staff member's id, or `me`. */
  agentId: z.union([z.string().uuid(), z.literal('me')]).optional(),
  from: IsoInstant.optional().describe('calls started at or after this instant'),
  to: IsoInstant.optional().describe('calls started before this instant'),
  number: z.string().trim().min(1).max(64).optional().describe('the other party, in any form (normalized to E.164)'),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const LookupQuery = z.object({ number: z.string().trim().min(1).max(64) });

export const Lookup = z.object({
  number: z.string(),
  caller: Ref.extend({ email: z.string(), role: z.string(), locale: z.string() }).nullable(),
  /** Other active people with the same number. */
  alsoMatches: z.array(Ref.extend({ email: z.string() })),
  organization: Ref.nullable(),
  plan: z.object({ id: z.string(), code: z.string(), name: z.string(), coverage: z.string(), phoneSupport: z.boolean() }).nullable(),
  contract: z
    .object({
      active: z.boolean(),
      startsOn: z.string().nullable(),
      endsOn: z.string().nullable(),
      includedMinutes: z.number(),
      billableMinutesThisMonth: z.number(),
    })
    .nullable(),
  openRequests: z.array(
    z.object({ id: z.string(), number: z.string(), subject: z.string(), status: z.string(), priority: z.string(), updatedAt: z.string() }),
  ),
  recentCalls: z.array(
    z.object({ id: z.string(), direction: Direction, startedAt: z.string(), outcome: Outcome.nullable(), talkSeconds: z.number() }),
  ),
  openCallback: z.string().nullable().describe('the call whose callback is open for this number'),
});

export const Callback = z.object({
  callId: z.string(),
  number: z.string(),
  caller: Ref.extend({ email: z.string() }).nullable(),
  organization: Ref.nullable(),
  ticket: z.object({ id: z.string(), number: z.string() }).nullable(),
  missedCalls: z.number(),
  firstMissedAt: z.string(),
  lastMissedAt: z.string(),
  status: CallbackStatus,
  doneAt: z.string().nullable(),
  doneBy: Ref.nullable(),
  byCallId: z.string().nullable(),
});
export const CallbackList = z.object({ items: z.array(Callback) });
export const CallbackListQuery = z.object({
  status: z.enum(['open', 'done']).default('open'),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});
export const CallIdParam = z.object({ callId: z.string().min(1).max(64) });

/** Make a request from a call (subject and description; the requester is the caller unless named), or add it to one. */
export const CallTicket = z
  .object({
    ticketId: z.string().min(1).max(64).optional().describe('add the call to this open request'),
    subject: Text(200).optional(),
    description: z.string().trim().max(20_000).optional(),
    requesterId: z.string().uuid().optional().describe('default: the caller'),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.ticketId && (b.subject || b.description || b.requesterId))
      ctx.addIssue({ code: 'custom', path: ['ticketId'], message: 'either ticketId, or subject (with description and requesterId), not both' });
    if (!b.ticketId && !b.subject) ctx.addIssue({ code: 'custom', path: ['subject'], message: 'required unless ticketId is given' });
  });
export const CallTicketResult = z.object({
  call: Call,
  ticketId: z.string(),
  created: z.boolean(),
  workEntryId: z.string().nullable(),
});
