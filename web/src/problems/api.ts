import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type * as pc from '../../../src/contracts/problems';
import { get } from '../api/client';

export type Problem = z.infer<typeof pc.Problem>;
export type ProblemSummary = z.infer<typeof pc.ProblemSummary>;
export type ProblemReport = z.infer<typeof pc.ProblemReport>;
export type Major = z.infer<typeof pc.Major>;
export type RootCauseCategory = z.infer<typeof pc.RootCauseCategory>;
export type Announcement = z.infer<typeof pc.Announcements>['items'][number];

export const ROOT_CAUSE_CATEGORIES: RootCauseCategory[] = ['hardware', 'software', 'network', 'configuration', 'capacity', 'third_party', 'human_error', 'process', 'unknown'];

export const useProblems = (status: string | null) =>
  useQuery({ queryKey: ['problems', status], queryFn: () => get<{ items: ProblemSummary[] }>(`/problems${status ? `?status=${status}` : ''}`) });
export const useProblem = (ref: string) => useQuery({ queryKey: ['problem', ref], queryFn: () => get<Problem>(`/problems/${encodeURIComponent(ref)}`), retry: false });
export const useProblemReport = () => useQuery({ queryKey: ['problems', 'report'], queryFn: () => get<ProblemReport>('/reports/problems') });
export const useTicketProblem = (ticketId: string) =>
  useQuery({ queryKey: ['ticket-problem', ticketId], queryFn: () => get<{ problem: Pick<ProblemSummary, 'id' | 'number' | 'title' | 'status'> | null }>(`/tickets/${ticketId}/problem`) });
export const useTicketMajor = (ticketId: string) => useQuery({ queryKey: ['ticket-major', ticketId], queryFn: () => get<{ major: Major | null }>(`/tickets/${ticketId}/major`) });
export const useSimilar = (ticketId: string, enabled: boolean) =>
  useQuery({ queryKey: ['ticket-major', ticketId, 'similar'], queryFn: () => get<z.infer<typeof pc.Similar>>(`/tickets/${ticketId}/major/similar`), enabled });
/** The banners of open major incidents for the signed-in person; checked again every minute. */
export const useAnnouncements = () =>
  useQuery({ queryKey: ['announcements'], queryFn: () => get<{ items: Announcement[] }>('/announcements'), refetchInterval: 60_000 });

/** Re-reads everything a problem or major incident change may touch (the request too). */
export function useRefreshProblems() {
  const qc = useQueryClient();
  return () =>
    qc.invalidateQueries({ predicate: (q) => ['problems', 'problem', 'ticket-problem', 'ticket-major', 'announcements', 'ticket', 'timeline', 'tickets'].includes(String(q.queryKey[0])) });
}
