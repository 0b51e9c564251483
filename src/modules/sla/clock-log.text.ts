import type { Locale } from '../identity/index.js';

/** The words of the clock log's CSV export, in English and Russian. */
const TEXT = {
  en: {
    columns: ['Time (UTC)', 'Clock', 'Event', 'Line', 'Calendar', 'Target, business min', 'Used, business min', 'Deadline (UTC)', 'Detail'],
    metric: { first_response: 'First response', resolution: 'Resolution', line: 'Line budget' } as Record<string, string>,
    action: {
      start: 'started', stop: 'stopped', pause: 'paused', resume: 'resumed', reopen: 'restarted (reopened)', escalated: 'moved to another line',
      target_changed: 'target changed', warning: 'warning', breach: 'breached',
    } as Record<string, string>,
    status: { new: 'new', open: 'in progress', pending_customer: 'waiting for the customer', pending_vendor: 'waiting for a supplier', resolved: 'resolved', closed: 'closed' } as Record<string, string>,
    reason: { 'first public reply': 'the first public reply', reopened: 'the request was reopened', 'approval pending': 'waiting for approval', approved: 'approved' } as Record<string, string>,
    by: { time: 'by time', difficulty: 'by difficulty', hand: 'by hand' } as Record<string, string>,
    priority: (p: string) => `priority ${p}`,
    pausedFor: (s: string) => `paused while ${s}`,
    statusIs: (s: string) => `status: ${s}`,
    movedTo: (line: string) => `moved to ${line}`,
    target: (from: number, to: number) => `target ${from} → ${to} min`,
    because: { plan: 'the plan changed', organization: 'the organization’s contract changed', catalogItem: 'the catalog item’s targets', priority: 'the priority changed' } as Record<string, string>,
    calendar: 'the calendar changed',
    used: (share: number) => `${Math.round(share * 100)} % used`,
  },
  ru: {
    columns: ['Время (UTC)', 'Часы', 'Событие', 'Линия', 'Календарь', 'Цель, рабочих мин', 'Израсходовано, рабочих мин', 'Срок (UTC)', 'Подробности'],
    metric: { first_response: 'Первый ответ', resolution: 'Решение', line: 'Бюджет линии' } as Record<string, string>,
    action: {
      start: 'запущены', stop: 'остановлены', pause: 'на паузе', resume: 'снова идут', reopen: 'перезапущены (заявка переоткрыта)', escalated: 'заявка передана на другую линию',
      target_changed: 'цель изменена', warning: 'предупреждение', breach: 'срок нарушен',
    } as Record<string, string>,
    status: { new: 'новая', open: 'в работе', pending_customer: 'ждёт ответа клиента', pending_vendor: 'ожидает поставщика', resolved: 'решена', closed: 'закрыта' } as Record<string, string>,
    reason: { 'first public reply': 'первый публичный ответ', reopened: 'заявка переоткрыта', 'approval pending': 'ожидает согласования', approved: 'согласовано' } as Record<string, string>,
    by: { time: 'по времени', difficulty: 'по сложности', hand: 'вручную' } as Record<string, string>,
    priority: (p: string) => `приоритет ${p}`,
    pausedFor: (s: string) => `на паузе: ${s}`,
    statusIs: (s: string) => `статус: ${s}`,
    movedTo: (line: string) => `передана на ${line}`,
    target: (from: number, to: number) => `цель ${from} → ${to} мин`,
    because: { plan: 'изменился тариф', organization: 'изменился договор организации', catalogItem: 'сроки позиции каталога', priority: 'изменился приоритет' } as Record<string, string>,
    calendar: 'изменился календарь',
    used: (share: number) => `израсходовано ${Math.round(share * 100)} %`,
  },
};

/** The column names of the clock log's CSV export. */
export const clockLogColumns = (locale: Locale) => TEXT[locale].columns;

/** A clock's name and an event's, in words; an unknown one as it is. */
export const metricText = (metric: string, locale: Locale) => TEXT[locale].metric[metric] ?? metric;
export const actionText = (action: string, locale: Locale) => TEXT[locale].action[action] ?? action;

/**
 * A clock log entry's detail (stored as codes and values) as a phrase in the reader's language. A
 * reason a person typed (an escalation's) is theirs and stays as written; ids are left out.
 */
export function detailText(detail: Record<string, unknown>, action: string, locale: Locale): string {
  const t = TEXT[locale];
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const status = (v: unknown) => t.status[str(v)] ?? str(v);
  const parts: string[] = [];
  if (action === 'escalated') {
    parts.push(`${str(detail.from)} → ${str(detail.to)}, ${t.by[str(detail.by)] ?? str(detail.by)}`);
    if (detail.reason) parts.push(str(detail.reason));
    return parts.join(': ');
  }
  if (action === 'target_changed') {
    parts.push(t.target(Number(detail.from), Number(detail.to)));
    for (const k of Object.keys(t.because)) if (detail[k] !== undefined) parts.push(t.because[k]!);
    if (detail.calendarTo !== undefined) parts.push(t.calendar);
    return parts.join('; ');
  }
  if (typeof detail.share === 'number') parts.push(t.used(detail.share));
  if (detail.priority !== undefined) parts.push(t.priority(str(detail.priority)));
  if (detail.paused !== undefined) parts.push(t.pausedFor(status(detail.paused)));
  if (detail.status !== undefined) parts.push(t.statusIs(status(detail.status)));
  if (detail.reason) parts.push(t.reason[str(detail.reason)] ?? str(detail.reason));
  if (detail.to !== undefined) parts.push(t.movedTo(str(detail.to)));
  return parts.join('; ');
}
