import { useState, type KeyboardEvent, type RefObject } from 'react';
import { notifyError } from '../ui/feedback';
import type { TFunction } from 'i18next';
import { renderCanned, useCannedReplies, type CannedReply } from './workspace.api';

/** `::` and a few letters right before the cursor, at the start of the text or after a space. */
const TRIGGER = /(?:^|\s)::([\p{L}\p{N} _-]{0,30})$/u;

/**
 * The canned reply picker of the composer: typing `::` and a few letters lists the matching
 * replies; Enter (or a click) puts the chosen one, rendered for this request, in place of `::…`.
 */
export function useCannedPicker(opts: { ticketId: string; enabled: boolean; body: string; setBody: (s: string) => void; area: RefObject<HTMLTextAreaElement | null>; t: TFunction }) {
  const { ticketId, enabled, body, setBody, area, t } = opts;
  const [cursor, setCursor] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const before = body.slice(0, cursor);
  const match = enabled ? TRIGGER.exec(before) : null;
  const query = match ? match[1]!.trim() : '';
  const open = !!match && dismissed !== before;
  const list = useCannedReplies(query, open);
  const items = open ? (list.data?.items ?? []).slice(0, 8) : [];

  const choose = async (reply: CannedReply) => {
    try {
      const { text } = await renderCanned(reply.id, ticketId);
      const start = cursor - match![0].trimStart().length;
      const next = body.slice(0, start) + text + body.slice(cursor);
      setBody(next);
      const at = start + text.length;
      setCursor(at);
      requestAnimationFrame(() => {
        area.current?.focus();
        area.current?.setSelectionRange(at, at);
      });
    } catch (e) {
      notifyError(t, e);
    }
  };

  return {
    open,
    items,
    active: Math.min(active, Math.max(items.length - 1, 0)),
    loading: open && list.isPending,
    choose: (r: CannedReply) => void choose(r),
    /** Keeps track of where the cursor is (the trigger is read just before it). */
    track: (el: HTMLTextAreaElement) => setCursor(el.selectionStart ?? el.value.length),
    /** Arrow keys move, Enter or Tab inserts, Escape closes; returns whether the key was the picker's. */
    onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
      if (!open || !items.length) return;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length);
      } else if ((e.key === 'Enter' && !e.ctrlKey && !e.metaKey) || e.key === 'Tab') {
        e.preventDefault();
        void choose(items[Math.min(active, items.length - 1)]!);
      } else if (e.key === 'Escape') {
        e.preventDefault();
        setDismissed(before);
      }
    },
  };
}
