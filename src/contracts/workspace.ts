import { z } from 'zod';
import { IsoInstant, Locale, Text } from './common.js';
import { ActionList } from './actions.js';

const Body = z.string().trim().max(20_000);

export const CannedReply = z.object({
  id: z.string(),
  name: z.string(),
  /** Shared with the whole staff; otherwise the caller's own. */
  shared: z.boolean(),
  bodyEn: z.string(),
  bodyRu: z.string(),
  usageCount: z.number().int(),
  createdAt: IsoInstant,
  updatedAt: IsoInstant,
});
export const CannedReplyList = z.object({ items: z.array(CannedReply) });
export const CannedReplyQuery = z.object({ q: z.string().max(100).optional() });
export const CannedReplyCreate = z.object({
  name: Text(120),
  bodyEn: Body.optional(),
  bodyRu: Body.optional(),
  shared: z.boolean().optional(),
});
export const CannedReplyPatch = CannedReplyCreate.partial();
export const CannedReplyRender = z.object({ ticketId: z.string().min(1).max(64) });
export const CannedReplyRendered = z.object({
  /** The text in the requester's language, placeholders filled. */
  text: z.string(),
  locale: Locale,
});

export const Macro = z.object({
  id: z.string(),
  name: z.string(),
  shared: z.boolean(),
  actions: ActionList,
  usageCount: z.number().int(),
  createdAt: IsoInstant,
  updatedAt: IsoInstant,
});
export const MacroList = z.object({ items: z.array(Macro) });
export const MacroCreate = z.object({ name: Text(120), actions: ActionList, shared: z.boolean().optional() });
export const MacroPatch = MacroCreate.partial();

const TicketRef = z.string().trim().min(1).max(64);
export const BulkBody = z.object({
  /** Request ids or numbers (TD-…). */
  tickets: z.array(TicketRef).min(1).max(500),
  /** Either actions or a macro. */
  actions: ActionList.optional(),
  macroId: z.string().uuid().optional(),
});
export const BulkResponse = z.object({
  results: z.array(
    z.object({
      ticket: z.string(),
      ok: z.boolean(),
      ticketId: z.string().optional(),
      /** Why this request was refused (error code and message); nothing of it was changed. */
      error: z.string().optional(),
      message: z.string().optional(),
    }),
  ),
  applied: z.number().int(),
  refused: z.number().int(),
});

export const MergeBody = z.object({ sources: z.array(TicketRef).min(1).max(50) });
export const MergeResponse = z.object({ targetId: z.string(), merged: z.array(z.string()) });
