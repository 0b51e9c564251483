import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type * as au from '../../../src/contracts/automation';
import { get, post } from '../api/client';

/** The API's shapes, from the same Zod schemas the server validates with. */
export type Rule = z.infer<typeof au.Rule>;
export type RuleKind = Rule['kind'];
/** A condition as the form holds it (field and operator checked by the API when saved). */
export type Condition = { field: string; op: string; value?: z.infer<typeof au.ConditionValue> };
export type ConditionGroup = { all?: Condition[]; any?: Condition[]; none?: Condition[] };
/** An action as the form holds it while it is being written: its kind and whatever is filled in. */
export type Action = Record<string, unknown> & { type: string };
export type DryRun = z.infer<typeof au.DryRunResult>;
export type Run = z.infer<typeof au.Run>;
export type TicketMatch = z.infer<typeof au.TicketRules>['items'][number];

export const useRules = () => useQuery({ queryKey: ['automation-rules'], queryFn: () => get<{ items: Rule[] }>('/automation/rules') });
export const useRule = (id: string) => useQuery({ queryKey: ['automation-rules', id], queryFn: () => get<Rule>(`/automation/rules/${id}`), retry: false, enabled: id !== 'new' });
export const useRuns = (id: string) => useQuery({ queryKey: ['automation-runs', id], queryFn: () => get<{ items: Run[] }>(`/automation/rules/${id}/runs?limit=50`), enabled: id !== 'new' });
export type DryRunEvent = z.infer<typeof au.DryRunEvent>;
export const dryRun = (id: string, ticket: string, event?: DryRunEvent) => post<DryRun>(`/automation/rules/${id}/dry-run`, { ticket, ...(event && { event }) });
export const useTicketAutomation = (ref: string, enabled: boolean) =>
  useQuery({ queryKey: ['ticket-automation', ref], queryFn: () => get<{ items: TicketMatch[] }>(`/tickets/${encodeURIComponent(ref)}/automation`), enabled });

/** A request's number as the desk writes it (`TD-000123`), from the number the runs carry. */
export const ticketNumber = (n: number) => `TD-${String(n).padStart(6, '0')}`;
