import type { Rule } from '../automation.service.js';
import type { RunRow } from '../automation.repo.js';
import type { RuleAction } from '../../../contracts/actions.js';
import { storedError } from '../rule-errors.js';

/** A rule as the staff see it. */
export const presentRule = ({ row, events, conditions, actions, time }: Rule) => ({
  id: row.id,
  name: row.name,
  ownerId: row.owner_id,
  organizationId: row.organization_id,
  enabled: !!Number(row.enabled),
  position: Number(row.position),
  kind: row.kind,
  events,
  conditions,
  time,
  actions,
  lastError: storedError(row.last_error, row.last_error_code, row.last_error_params),
  lastErrorAt: row.last_error_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export const presentRun = (r: RunRow & { ticket_number: number | null }) => ({
  id: r.id,
  ruleId: r.rule_id,
  ticketId: r.ticket_id,
  ticketNumber: r.ticket_number == null ? null : Number(r.ticket_number),
  event: r.event,
  matched: !!Number(r.matched),
  actions: JSON.parse(r.actions) as RuleAction[],
  error: storedError(r.error, r.error_code, r.error_params),
  at: r.created_at,
});
