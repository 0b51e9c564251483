import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';

/** What is re-read when a change is heard: lists and the request itself; the directory stays. */
const LIVE_KEYS = new Set(['tickets', 'ticket', 'timeline', 'sla', 'deadlines', 'breaches', 'escalations', 'handoff', 'notifications', 'work', 'timer']);

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
    source.addEventListener('change', refresh);
    return () => {
      clearTimeout(pending);
      source.close();
    };
  }, [qc]);
  return connected;
}
