import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type * as qu from '../../../src/contracts/queue';
import { del, get, patch, post } from '../api/client';
import type { TicketPage } from '../api/types';

export type QueueView = z.infer<typeof qu.QueueViewList>['items'][number];
export type QueueViewInput = z.input<typeof qu.QueueViewInput>;
export type QueueColumn = z.infer<typeof qu.QueueColumn>;
export const QUEUE_COLUMNS: readonly QueueColumn[] = ['number', 'subject', 'status', 'priority', 'sla', 'l1Budget', 'requester', 'organization', 'plan', 'line', 'group', 'assignee', 'channel', 'updated', 'created'];
export const SLA_STATES = ['running', 'paused', 'at_risk', 'breached'] as const;

/** A queue's page: refreshed every minute, so the business time left stays current. */
export const useQueuePage = (params: URLSearchParams) =>
  useQuery({ queryKey: ['tickets', params.toString()], queryFn: () => get<TicketPage>(`/tickets?${params}`), placeholderData: keepPreviousData, refetchInterval: 60_000 });

export const useQueueCount = (params: URLSearchParams) => {
  const p = new URLSearchParams(params);
  for (const k of ['sort', 'cursor', 'limit']) p.delete(k);
  return useQuery({ queryKey: ['tickets', 'count', p.toString()], queryFn: () => get<{ count: number }>(`/tickets/count?${p}`), placeholderData: keepPreviousData, refetchInterval: 60_000 });
};

export const useQueueViews = () => useQuery({ queryKey: ['queue-views'], queryFn: () => get<{ items: QueueView[] }>('/queue-views'), refetchInterval: 60_000 });

export function useSaveView() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: QueueViewInput & { id?: string }) => (v.id ? patch<QueueView>(`/queue-views/${v.id}`, v) : post<QueueView>('/queue-views', v)),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['queue-views'] }),
  });
}

export function useDeleteView() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: (id: string) => del<null>(`/queue-views/${id}`), onSuccess: () => qc.invalidateQueries({ queryKey: ['queue-views'] }) });
}

export const useGroups = () => useQuery({ queryKey: ['groups'], queryFn: () => get<{ items: { id: string; name: string }[] }>('/groups'), staleTime: 5 * 60_000 });
