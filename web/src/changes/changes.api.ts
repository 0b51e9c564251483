import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type * as ch from '../../../src/contracts/changes';
import { ApiError, get } from '../api/client';

export type Change = z.infer<typeof ch.Change>;
export type LinkView = z.infer<typeof ch.LinkView>;
export type PendingApproval = z.infer<typeof ch.PendingApprovals>['items'][number];
export type CalendarEntry = z.infer<typeof ch.ChangeCalendar>['items'][number];

/** The change of a request, or null when the request is no change (or has no plan yet). */
export const useChange = (ticketId: string, enabled: boolean) =>
  useQuery({
    queryKey: ['change', ticketId],
    enabled,
    queryFn: async () => {
      try {
        return await get<Change>(`/tickets/${ticketId}/change`);
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
  });

export const usePendingApprovals = () => useQuery({ queryKey: ['approvals'], queryFn: () => get<{ items: PendingApproval[] }>('/approvals') });
