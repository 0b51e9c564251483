import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type * as em from '../../../src/contracts/email';
import type * as id from '../../../src/contracts/identity';
import type * as nt from '../../../src/contracts/notifications';
import type * as sl from '../../../src/contracts/sla';
import type * as sp from '../../../src/contracts/sla-policies';
import type * as sm from '../../../src/contracts/sms';
import type * as wh from '../../../src/contracts/webhooks';
import { get } from '../api/client';
import type { Person } from '../api/types';

export type Calendar = z.infer<typeof sl.Calendar>;
export type CalendarInput = z.input<typeof sl.CalendarInput>;
export type Week = z.infer<typeof sl.Week>;
export type PlanSla = z.infer<typeof sp.PlanSla>;
export type PolicyInput = z.input<typeof sp.PolicyInput>;
export type Group = z.infer<typeof id.Group>;
export type Mailbox = z.infer<typeof em.Mailbox>;
export type InboundMessage = z.infer<typeof em.InboundMessage>;
export type DeadLetter = z.infer<typeof nt.DeadLetter>;

const list = <T,>(key: unknown[], path: string, enabled = true) => ({ queryKey: key, queryFn: () => get<{ items: T[] }>(path), enabled });

export const useCalendars = () => useQuery(list<Calendar>(['calendars'], '/calendars'));
export const useCalendar = (calendarId: string) => useQuery({ queryKey: ['calendars', calendarId], queryFn: () => get<Calendar>(`/calendars/${calendarId}`), retry: false });
export const usePlanSla = (planId: string) => useQuery({ queryKey: ['planSla', planId], queryFn: () => get<PlanSla>(`/plans/${planId}/sla`), retry: false });
export const useGroups = () => useQuery(list<Group>(['groups'], '/groups'));
export const useMailboxes = (enabled = true) => useQuery(list<Mailbox>(['mailboxes'], '/email/mailboxes', enabled));
/** Everyone (up to the API's 500), for the admin's lists; filtered by the API on role and organization. */
export const usePeople = (filter: { role?: string; organizationId?: string } = {}) => {
  const q = new URLSearchParams({ limit: '500' });
  if (filter.role) q.set('role', filter.role);
  if (filter.organizationId) q.set('organizationId', filter.organizationId);
  return useQuery(list<Person>(['people', q.toString()], `/users?${q}`));
};
export const usePerson = (personId: string) => useQuery({ queryKey: ['people', 'one', personId], queryFn: () => get<Person>(`/users/${personId}`), retry: false });

/** Splits what a person typed into a list: commas, semicolons and spaces separate. */
export const splitList = (s: string) => s.split(/[\s,;]+/).filter(Boolean);

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export type Webhook = z.infer<typeof wh.Webhook>;
export type WebhookDelivery = z.infer<typeof wh.WebhookDelivery>;
export const useWebhooks = (enabled = true) => useQuery(list<Webhook>(['webhooks'], '/webhooks', enabled));
export const useWebhook = (webhookId: string) => useQuery({ queryKey: ['webhooks', webhookId], queryFn: () => get<Webhook>(`/webhooks/${webhookId}`), retry: false });
/** The latest 50 deliveries of a webhook; re-read every few seconds while any is still pending. */
export const useDeliveries = (webhookId: string) =>
  useQuery({
    queryKey: ['webhooks', webhookId, 'deliveries'],
    queryFn: () => get<{ items: WebhookDelivery[] }>(`/webhooks/${webhookId}/deliveries`),
    refetchInterval: (q) => (q.state.data?.items.some((d) => d.status === 'pending') ? 2_000 : false),
  });

export type SmsGateway = z.infer<typeof sm.Gateway>;
export type CreatedSmsGateway = z.infer<typeof sm.CreatedGateway>;
export type SmsGatewayInput = z.input<typeof sm.GatewayCreate>;
export type SmsMessage = z.infer<typeof sm.SmsMessage>;
export type SmsStatus = z.infer<typeof sm.SmsStatus>;
export const useSmsGateways = (enabled = true) => useQuery(list<SmsGateway>(['smsGateways'], '/sms/gateways', enabled));
