import { useQuery, type QueryClient } from '@tanstack/react-query';
import { get, post } from '../api/client';

/** A canned reply as the API gives it (the staff's own and the shared ones). */
export interface CannedReply {
  id: string;
  name: string;
  shared: boolean;
  bodyEn: string;
  bodyRu: string;
  usageCount: number;
}

export interface Macro {
  id: string;
  name: string;
  shared: boolean;
  actions: { type: string }[];
  usageCount: number;
}

export type BulkAction =
  | { type: 'assignee'; assigneeId: string | null }
  | { type: 'status'; status: string }
  | { type: 'priority'; priority: string }
  | { type: 'tags'; add: string[] };

export interface BulkOutcome {
  results: { ticket: string; ok: boolean; error?: string; message?: string }[];
  applied: number;
  refused: number;
}

export const useCannedReplies = (q = '', enabled = true) =>
  useQuery({ queryKey: ['canned-replies', q], queryFn: () => get<{ items: CannedReply[] }>(`/canned-replies?${new URLSearchParams({ q })}`), enabled, staleTime: 30_000 });

export const useMacros = () => useQuery({ queryKey: ['macros'], queryFn: () => get<{ items: Macro[] }>('/macros'), staleTime: 30_000 });

export const renderCanned = (id: string, ticketId: string) => post<{ text: string; locale: 'en' | 'ru' }>(`/canned-replies/${id}/render`, { ticketId });

/** Applies actions or a macro to requests (ids or numbers); each is changed or refused on its own. */
export const applyBulk = (tickets: string[], what: { actions: BulkAction[] } | { macroId: string }) => post<BulkOutcome>('/tickets/bulk', { tickets, ...what });

export const mergeInto = (target: string, sources: string[]) => post<{ targetId: string; merged: string[] }>(`/tickets/${encodeURIComponent(target)}/merge`, { sources });

/** After a change to requests: lists, the request page and its panels read anew. */
export const refreshTickets = (qc: QueryClient) =>
  qc.invalidateQueries({ predicate: (q) => ['tickets', 'ticket', 'timeline', 'sla', 'deadlines', 'macros', 'canned-replies'].includes(String(q.queryKey[0])) });
