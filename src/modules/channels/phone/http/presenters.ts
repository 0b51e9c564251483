import { ticketNumber } from '../../../tickets/index.js';
import type { lookup } from '../calls.service.js';
import type { Names } from '../names.js';
import type { CallRow, ConnectorRow } from '../phone.repo.js';

const ref = <T>(map: Map<string, T>, id: string | null) => (id ? (map.get(id) ?? null) : null);
const name = (p: { id: string; name: string } | null) => (p ? { id: p.id, name: p.name } : null);

export const presentConnector = (c: ConnectorRow, publicUrl: string) => ({
  id: c.id,
  name: c.name,
  active: c.active === 1,
  defaultOrganizationId: c.default_organization_id,
  eventsUrl: `${publicUrl}/api/v1/phone/connectors/${c.id}/events`,
  createdAt: c.created_at,
  updatedAt: c.updated_at,
});

/** A connector just created or given a new secret: the one answer that carries the secret. */
export const presentConnectorWithSecret = (c: ConnectorRow, publicUrl: string) => ({ ...presentConnector(c, publicUrl), secret: c.secret });

export function presentCall(c: CallRow, n: Names) {
  return {
    id: c.id,
    connectorId: c.connector_id,
    externalId: c.external_id,
    direction: c.direction,
    from: c.from_number,
    to: c.to_number,
    number: c.number,
    caller: ref(n.people, c.user_id),
    organization: ref(n.organizations, c.organization_id),
    agent: name(ref(n.people, c.agent_id)),
    agentRef: c.agent_ref,
    startedAt: c.started_at,
    answeredAt: c.answered_at,
    endedAt: c.ended_at,
    talkSeconds: c.talk_seconds,
    cause: c.cause,
    outcome: c.outcome,
    ticket: ref(n.tickets, c.ticket_id),
    callback: c.callback_status
      ? {
          status: c.callback_status,
          of: c.callback_of,
          doneAt: c.callback_done_at,
          doneBy: name(ref(n.people, c.callback_done_by)),
          byCallId: c.callback_call_id,
        }
      : null,
    workEntryId: c.work_entry_id,
  };
}

export function presentCallback(head: CallRow, merged: { count: number; last: string } | undefined, n: Names) {
  return {
    callId: head.id,
    number: head.number ?? head.from_number,
    caller: ref(n.people, head.user_id),
    organization: ref(n.organizations, head.organization_id),
    ticket: ref(n.tickets, head.ticket_id),
    missedCalls: 1 + (merged?.count ?? 0),
    firstMissedAt: head.started_at,
    lastMissedAt: merged && merged.last > head.started_at ? merged.last : head.started_at,
    status: head.callback_status === 'done' ? ('done' as const) : ('open' as const),
    doneAt: head.callback_done_at,
    doneBy: name(ref(n.people, head.callback_done_by)),
    byCallId: head.callback_call_id,
  };
}

type Looked = Awaited<ReturnType<typeof lookup>>;

/** Who is calling, as the agent's screen or the PBX's screen pop shows it. */
export function presentLookup(l: Looked) {
  return {
    number: l.number,
    caller: l.caller ? { id: l.caller.id, name: l.caller.name, email: l.caller.email, role: l.caller.role, locale: l.caller.locale } : null,
    alsoMatches: l.alsoMatches.map((u) => ({ id: u.id, name: u.name, email: u.email })),
    organization: l.organization ? { id: l.organization.id, name: l.organization.name } : null,
    plan: l.plan ? { id: l.plan.id, code: l.plan.code, name: l.plan.name, coverage: l.plan.coverage, phoneSupport: l.plan.phoneSupport } : null,
    contract: l.contract,
    openRequests: l.openRequests.map((t) => ({ id: t.id, number: ticketNumber(t.number), subject: t.subject, status: t.status, priority: t.priority, updatedAt: t.updated_at })),
    recentCalls: l.recentCalls.map((x) => ({ id: x.id, direction: x.direction, startedAt: x.started_at, outcome: x.outcome, talkSeconds: x.talk_seconds })),
    openCallback: l.openCallback,
  };
}
