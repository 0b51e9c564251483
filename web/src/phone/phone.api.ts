import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type * as ph from '../../../src/contracts/phone';
import { get } from '../api/client';

export type Call = z.infer<typeof ph.Call>;
export type CallPage = z.infer<typeof ph.CallPage>;
export type Callback = z.infer<typeof ph.Callback>;
export type Lookup = z.infer<typeof ph.Lookup>;
export type Connector = z.infer<typeof ph.Connector>;
export type ConnectorWithSecret = z.infer<typeof ph.ConnectorWithSecret>;
export type CallTicketResult = z.infer<typeof ph.CallTicketResult>;
export type Outcome = z.infer<typeof ph.Outcome>;
export type Direction = z.infer<typeof ph.Direction>;

export const OUTCOMES: Outcome[] = ['answered', 'missed', 'busy', 'failed', 'voicemail'];
export const DIRECTIONS: Direction[] = ['inbound', 'outbound'];

/** The filters of the call log, as the address keeps them. */
export interface CallFilter {
  outcome?: string;
  direction?: string;
  number?: string;
}

/** The call log, newest first, a page at a time ("more" reads the next cursor). */
export function useCalls(filter: CallFilter, enabled = true) {
  const q = new URLSearchParams({ limit: '50' });
  for (const [k, v] of Object.entries(filter)) if (v) q.set(k, v);
  return useInfiniteQuery({
    queryKey: ['calls', q.toString()],
    queryFn: ({ pageParam }) => get<CallPage>(`/phone/calls?${q}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
  });
}

export const useCall = (callId: string) => useQuery({ queryKey: ['calls', 'one', callId], queryFn: () => get<Call>(`/phone/calls/${callId}`), retry: false });

/** Open callbacks, oldest first. */
export const useCallbacks = (enabled = true) =>
  useQuery({ queryKey: ['callbacks'], queryFn: () => get<{ items: Callback[] }>('/phone/callbacks'), enabled, refetchInterval: 60_000 });

/** Who has this number: person, organization, plan, open requests, recent calls. */
export const useLookup = (number: string | null | undefined) =>
  useQuery({
    queryKey: ['phoneLookup', number ?? ''],
    queryFn: () => get<Lookup>(`/phone/lookup?number=${encodeURIComponent(number!)}`),
    enabled: !!number,
    retry: false,
  });

export const useConnectors = () => useQuery({ queryKey: ['connectors'], queryFn: () => get<{ items: Connector[] }>('/phone/connectors') });

/** "1:35" for a talk time in seconds. */
export const talkTime = (seconds: number) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
