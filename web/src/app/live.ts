import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';

/** A change as the stream tells it. */
export interface LiveChange {
  type: string;
  subjectType: string;
  subjectId: string;
  actor?: { id: string; name: string };
}

const listeners = new Set<(c: LiveChange) => void>();

/** Calls `fn` with every change heard while the component is on screen. */
export function useLiveChange(fn: (c: LiveChange) => void) {
  useEffect(() => {
    listeners.add(fn);
    return () => void listeners.delete(fn);
  }, [fn]);
}

/** Passing hints that change no data: nothing is re-read for them. */
const PRESENCE = new Set(['ticket.replying']);

/** What is re-read when a change is heard: lists and the request itself; the directory stays. */
const LIVE_KEYS = new Set(['tickets', 'ticket', 'timeline', 'sla', 'deadlines', 'breaches', 'escalations', 'handoff', 'notifications', 'work', 'timer', 'calls', 'callbacks', 'phoneLookup']);

/**
 * Listens to the server's change stream (Server-Sent Events) and re-reads what is on screen when
 * something changes; after a reconnect everything live is re-read, since changes may have been missed.
 * Returns whether the stream is connected.
 */
export function useLive() {
  const qc = useQueryClient();
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    const source = new EventSource('/api/v1/live');
    let pending: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      // Several changes in a burst (a reply that also changes the status) make one re-read.
      clearTimeout(pending);
      pending = setTimeout(() => void qc.invalidateQueries({ predicate: (q) => LIVE_KEYS.has(String(q.queryKey[0])) }), 150);
    };
    let wasConnected = false;
    source.onopen = () => {
      if (wasConnected) refresh();
      wasConnected = true;
      setConnected(true);
    };
    source.onerror = () => setConnected(false);
    source.addEventListener('change', (e) => {
      const change = JSON.parse((e as MessageEvent<string>).data) as LiveChange;
      for (const fn of listeners) fn(change);
      if (!PRESENCE.has(change.type)) refresh();
    });
    return () => {
      clearTimeout(pending);
      source.close();
    };
  }, [qc]);
  return connected;
}
