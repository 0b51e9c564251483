import { useQuery } from '@tanstack/react-query';
import DOMPurify from 'dompurify';
import type { z } from 'zod';
import type * as kb from '../../../src/contracts/kb';
import { get } from '../api/client';

export type Space = z.infer<typeof kb.Space>;
export type KbPage = z.infer<typeof kb.Page>;
export type PageListItem = z.infer<typeof kb.PageListItem>;
export type RevisionItem = z.infer<typeof kb.RevisionItem>;
export type Diff = z.infer<typeof kb.Diff>;
export type SearchResult = z.infer<typeof kb.SearchResult>;
type PageRef = { id: string; title: string; spaceId: string; locale: string };

export const useSpaces = () => useQuery({ queryKey: ['kb', 'spaces'], queryFn: () => get<{ items: Space[] }>('/kb/spaces') });
export const usePages = (spaceId: string | null) =>
  useQuery({ queryKey: ['kb', 'pages', spaceId], queryFn: () => get<{ items: PageListItem[] }>(`/kb/pages?limit=500&spaceId=${spaceId}`), enabled: !!spaceId });
export const useKbPage = (id: string) => useQuery({ queryKey: ['kb', 'page', id], queryFn: () => get<KbPage>(`/kb/pages/${id}`), retry: false, enabled: !!id });
export const useBacklinks = (id: string) => useQuery({ queryKey: ['kb', 'backlinks', id], queryFn: () => get<{ items: PageRef[] }>(`/kb/pages/${id}/backlinks`) });
export const useRevisions = (id: string) => useQuery({ queryKey: ['kb', 'revisions', id], queryFn: () => get<{ items: RevisionItem[] }>(`/kb/pages/${id}/revisions`) });

export type PageStatus = KbPage['status'];
export const STATUS_COLOR: Record<PageStatus, string> = { draft: 'gray', review: 'yellow', published: 'green' };
/** Publishing (and taking back): an L3 leading specialist or a manager, as the server checks. */
export const mayPublish = (me: { role: string; line?: string | null }) => me.role === 'manager' || me.role === 'admin' || me.line === 'L3';

/** HTML from the server (already sanitized there) or from the preview, sanitized again in the browser. */
export const safeHtml = (html: string) => DOMPurify.sanitize(html, { USE_PROFILES: { html: true } });

export const spaceName = (s: { name: string; nameRu: string | null }, lang: string) => (lang === 'ru' && s.nameRu ? s.nameRu : s.name);
