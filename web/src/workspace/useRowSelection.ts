import { useEffect, useState } from 'react';
import type { RowSelection } from '../tickets/TicketTable';

/** The rows selected in a list; cleared when `scope` (the queue shown) changes. */
export function useRowSelection(scope: string): RowSelection & { clear(): void } {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => setSelected(new Set()), [scope]);
  return {
    selected,
    toggle: (id) =>
      setSelected((s) => {
        const next = new Set(s);
        if (!next.delete(id)) next.add(id);
        return next;
      }),
    setAll: (ids, on) =>
      setSelected((s) => {
        const next = new Set(s);
        for (const id of ids) if (on) next.add(id);
        else next.delete(id);
        return next;
      }),
    clear: () => setSelected(new Set()),
  };
}
