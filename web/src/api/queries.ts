import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { ApiError, get } from './client';
import type { Category, DeadlineRow, Me, NextBreach, Organization, Person, Plan, TicketDetail, TicketPage, TicketSla, TimelineEntry } from './types';

/** Query keys: `live` invalidates by the first element. */
export const keys = {
  me: ['me'] as const,
  tickets: (params: string) => ['tickets', params] as const,
  ticket: (ref: string) => ['ticket', ref] as const,
  timeline: (id: string) => ['timeline', id] as const,
  sla: (id: string) => ['sla', id] as const,
  deadlines: (ids: string[]) => ['deadlines', ids.join(',')] as const,
  breaches: ['breaches'] as const,
  escalations: ['escalations'] as const,
};

/** The signed-in person, or null when nobody is. */
export function useMe() {
  return useQuery({
    queryKey: keys.me,
    queryFn: async () => {
      try {
        return await get<Me>('/me');
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
    staleTime: Infinity,
    retry: false,
  });
}

export const useTickets = (params: URLSearchParams, enabled = true) =>
  useQuery({ queryKey: keys.tickets(params.toString()), queryFn: () => get<TicketPage>(`/tickets?${params}`), enabled, placeholderData: keepPreviousData });

export const useTicket = (ref: string) => useQuery({ queryKey: keys.ticket(ref), queryFn: () => get<TicketDetail>(`/tickets/${encodeURIComponent(ref)}`), retry: false });

export const useTimeline = (id: string | undefined) =>
  useQuery({ queryKey: keys.timeline(id ?? ''), queryFn: () => get<{ items: TimelineEntry[] }>(`/tickets/${id}/timeline`), enabled: !!id });

export const useTicketSla = (id: string | undefined) =>
  useQuery({ queryKey: keys.sla(id ?? ''), queryFn: () => get<TicketSla>(`/tickets/${id}/sla`), enabled: !!id });

/** The clocks of a page of requests, for the countdowns of a list. */
export const useDeadlines = (ids: string[]) =>
  useQuery({
    queryKey: keys.deadlines(ids),
    queryFn: () => get<{ items: DeadlineRow[] }>(`/sla/deadlines?ticketIds=${ids.join(',')}`),
    enabled: ids.length > 0,
    placeholderData: keepPreviousData,
  });

export const useNextBreaches = (limit = 50, enabled = true) =>
  useQuery({ queryKey: [...keys.breaches, limit], queryFn: () => get<{ items: NextBreach[] }>(`/sla/next-breaches?limit=${limit}`), enabled });

const directory = { staleTime: 5 * 60_000 };
export const useOrganizations = (enabled = true) =>
  useQuery({ queryKey: ['organizations'], queryFn: () => get<{ items: Organization[] }>('/organizations'), enabled, ...directory });
export const usePlans = (enabled = true) => useQuery({ queryKey: ['plans'], queryFn: () => get<{ items: Plan[] }>('/plans'), enabled, ...directory });
export const useCategories = (enabled = true) =>
  useQuery({ queryKey: ['categories'], queryFn: () => get<{ items: Category[] }>('/categories'), enabled, ...directory });
export const useStaff = (enabled = true) =>
  useQuery({ queryKey: ['staff'], queryFn: () => get<{ items: Person[] }>('/users?role=agent,manager&limit=500'), enabled, ...directory });
