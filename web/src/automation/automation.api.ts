import { useQuery } from '@tanstack/react-query';
import { get, post } from '../api/client';

/** One condition of a rule: a field of the request (or its organization, plan, requester), an operator, a value. */
export interface Condition {
  field: string;
  op: string;
  value?: unknown;
}
export interface ConditionGroup {
  all?: Condition[];
  any?: Condition[];
  none?: Condition[];
}
export type Action = Record<string, unknown> & { type: string };
export type RuleKind = 'event' | 'time';

export interface Rule {
  id: string;
  name: string;
  ownerId: string | null;
  organizationId: string | null;
  enabled: boolean;
  position: number;
  kind: RuleKind;
  events: string[];
  conditions: ConditionGroup;
  time?: { field: string; minutes: number; business: boolean } | null;
  actions: Action[];
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface DryRun {
  matched: boolean;
  conditions: { path: string; ok: boolean; actual?: unknown }[];
  actions: Action[];
  skippedReason?: string | null;
}

export interface Run {
  id: string;
  ruleId: string;
  ticketId: string | null;
  ticketNumber: string | null;
  event: string;
  matched: boolean;
  actions: Action[];
  error: string | null;
  at: string;
}

export interface TicketMatch {
  rule: { id: string; name: string };
  matched: boolean;
  actions: Action[];
}

export const useRules = () => useQuery({ queryKey: ['automation-rules'], queryFn: () => get<{ items: Rule[] }>('/automation/rules') });
export const useRule = (id: string) => useQuery({ queryKey: ['automation-rules', id], queryFn: () => get<Rule>(`/automation/rules/${id}`), retry: false, enabled: id !== 'new' });
export const useRuns = (id: string) => useQuery({ queryKey: ['automation-runs', id], queryFn: () => get<{ items: Run[] }>(`/automation/rules/${id}/runs?limit=50`), enabled: id !== 'new' });
export const dryRun = (id: string, ticket: string) => post<DryRun>(`/automation/rules/${id}/dry-run`, { ticket });
export const useTicketAutomation = (ref: string, enabled: boolean) =>
  useQuery({ queryKey: ['ticket-automation', ref], queryFn: () => get<{ items: TicketMatch[] }>(`/tickets/${encodeURIComponent(ref)}/automation`), enabled });
