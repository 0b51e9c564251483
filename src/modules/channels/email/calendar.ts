import type { Locale } from '../../identity/index.js';

/** A calendar invitation (text/calendar) as the request shows it. */
export interface CalendarEvent {
  method: string;
  summary: string;
  start: string | null;
  end: string | null;
  location: string | null;
  organizer: string | null;
}

const unfold = (ics: string) => ics.replace(/\r\n?/g, '\n').replace(/\n[ \t]/g, '');
const unescape = (v: string) => v.replace(/\\n/gi, ' ').replace(/\\([,;\\])/g, '$1').trim();

/** "20261207T100000Z" → "2026-12-07 10:00 UTC"; with a TZID, its name; a date alone stays a date. */
function when(value: string | undefined, params: string): string | null {
  if (!value) return null;
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})\d{0,2}(Z)?)?$/.exec(value.trim());
  if (!m) return value.trim().slice(0, 60);
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  if (!m[4]) return date;
  const zone = m[6] ? 'UTC' : (/TZID=("?)([^;:"]+)\1/i.exec(params)?.[2] ?? '');
  return `${date} ${m[4]}:${m[5]}${zone ? ` ${zone}` : ''}`;
}

/** The events of an iCalendar file (at most 5), or none when it has no VEVENT. */
export function readCalendar(ics: string): CalendarEvent[] {
  const text = unfold(ics.slice(0, 256 * 1024));
  const method = /^METHOD:(.+)$/im.exec(text)?.[1]?.trim().toUpperCase() ?? 'PUBLISH';
  const events: CalendarEvent[] = [];
  for (const block of text.split(/^BEGIN:VEVENT\s*$/im).slice(1, 6)) {
    const body = block.split(/^END:VEVENT\s*$/im)[0]!;
    const prop = (name: string) => {
      const m = new RegExp(`^${name}((?:;[^:\\n]*)?):(.*)$`, 'im').exec(body);
      return m ? { params: m[1] ?? '', value: m[2]! } : undefined;
    };
    const organizer = prop('ORGANIZER');
    const cn = organizer ? /CN=("?)([^;:"]+)\1/i.exec(organizer.params)?.[2] : undefined;
    const address = organizer?.value.replace(/^mailto:/i, '').trim();
    const start = prop('DTSTART');
    const end = prop('DTEND');
    events.push({
      method,
      summary: unescape(prop('SUMMARY')?.value ?? '').slice(0, 300),
      start: when(start?.value, start?.params ?? ''),
      end: when(end?.value, end?.params ?? ''),
      location: unescape(prop('LOCATION')?.value ?? '').slice(0, 300) || null,
      organizer: organizer ? (cn ? `${unescape(cn)} <${address}>` : (address ?? null)) : null,
    });
  }
  return events;
}

const LABELS = {
  REQUEST: { en: 'Calendar invitation', ru: 'Приглашение в календарь' },
  CANCEL: { en: 'Meeting cancelled', ru: 'Встреча отменена' },
  REPLY: { en: 'Reply to a calendar invitation', ru: 'Ответ на приглашение в календарь' },
  PUBLISH: { en: 'Calendar event', ru: 'Событие календаря' },
  when: { en: 'When', ru: 'Когда' },
  where: { en: 'Where', ru: 'Где' },
  organizer: { en: 'Organizer', ru: 'Организатор' },
  untitled: { en: '(untitled)', ru: '(без названия)' },
} as const satisfies Record<string, Record<Locale, string>>;

/** An event as a few readable lines, in the reader's language. */
export function calendarSummary(e: CalendarEvent, locale: Locale): string {
  const title = (LABELS[e.method as 'REQUEST'] ?? LABELS.PUBLISH)[locale];
  const lines = [`${title}: ${e.summary || LABELS.untitled[locale]}`];
  if (e.start) lines.push(`${LABELS.when[locale]}: ${e.start}${e.end && e.end !== e.start ? ` – ${e.end}` : ''}`);
  if (e.location) lines.push(`${LABELS.where[locale]}: ${e.location}`);
  if (e.organizer) lines.push(`${LABELS.organizer[locale]}: ${e.organizer}`);
  return lines.join('\n');
}
