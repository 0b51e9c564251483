import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type * as cat from '../../../src/contracts/catalog';
import { get } from '../api/client';

export type CatalogItem = z.infer<typeof cat.CatalogItem>;
export type CatalogItemInput = z.input<typeof cat.CatalogItemInput>;
export type FormField = z.infer<typeof cat.FormField>;
export type FieldKind = z.infer<typeof cat.FieldKind>;
export type TicketAnswers = z.infer<typeof cat.TicketAnswers>;

export const FIELD_KINDS: FieldKind[] = ['text', 'choice', 'date', 'person', 'file'];

/** A label in the reader's language. */
export const inLang = (lang: string, en: string, ru: string) => (lang.startsWith('ru') ? ru || en : en);

export const useCatalog = () => useQuery({ queryKey: ['catalog'], queryFn: () => get<{ items: CatalogItem[] }>('/catalog/items') });
export const useCatalogItem = (id: string | undefined) =>
  useQuery({ queryKey: ['catalog', id], queryFn: () => get<CatalogItem>(`/catalog/items/${id}`), enabled: !!id && id !== 'new' });
export const useAnswers = (ticketId: string) => useQuery({ queryKey: ['answers', ticketId], queryFn: () => get<TicketAnswers>(`/tickets/${ticketId}/answers`) });
