import type { Locale } from '../../identity/index.js';
import type { Direction } from './phone.tables.js';

/** Texts people read (requests opened by missed calls, notes on the timeline), in English and Russian. */

/** "25.11.2026 10:00" in the given time zone. */
function when(at: string, timeZone: string) {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(at))
      .map((x) => [x.type, x.value]),
  );
  return `${p.day}.${p.month}.${p.year} ${p.hour}:${p.minute} (${timeZone})`;
}

/** "1 min 35 s" / "1 мин 35 с". */
export function duration(locale: Locale, seconds: number) {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  const [min, sec] = locale === 'ru' ? ['мин', 'с'] : ['min', 's'];
  return m ? `${m} ${min} ${s} ${sec}` : `${s} ${sec}`;
}

export const missedCallSubject = (locale: Locale, name: string) =>
  locale === 'ru' ? `Пропущенный звонок от ${name}` : `Missed call from ${name}`;

export function missedCallDescription(locale: Locale, v: { name: string; number: string; at: string; timeZone: string }) {
  return locale === 'ru'
    ? `${v.name} звонил(а) с номера ${v.number} ${when(v.at, v.timeZone)}, но никто не ответил. Мы перезвоним.`
    : `${v.name} called from ${v.number} at ${when(v.at, v.timeZone)} and nobody answered. We will call back.`;
}

export const repeatedMissedCall = (locale: Locale, v: { number: string; at: string; timeZone: string; count: number }) =>
  locale === 'ru'
    ? `Ещё один пропущенный звонок с номера ${v.number}: ${when(v.at, v.timeZone)} (всего ${v.count}).`
    : `Another missed call from ${v.number} at ${when(v.at, v.timeZone)} (${v.count} in all).`;

/** The internal note a call leaves on the request it is linked to. */
export function callSummary(locale: Locale, v: { direction: Direction; number: string; at: string; timeZone: string; talkSeconds: number; agent: string | null }) {
  const by = v.agent ? (locale === 'ru' ? `, оператор ${v.agent}` : `, agent ${v.agent}`) : '';
  if (locale === 'ru')
    return `${v.direction === 'inbound' ? 'Входящий звонок с номера' : 'Исходящий звонок на номер'} ${v.number}, ${when(v.at, v.timeZone)}, разговор ${duration(locale, v.talkSeconds)}${by}.`;
  return `${v.direction === 'inbound' ? 'Inbound call from' : 'Outbound call to'} ${v.number} at ${when(v.at, v.timeZone)}, talk time ${duration(locale, v.talkSeconds)}${by}.`;
}

export const calledBack = (locale: Locale, v: { agent: string; at: string; timeZone: string }) =>
  locale === 'ru' ? `Перезвонили: ${v.agent}, ${when(v.at, v.timeZone)}.` : `Called back by ${v.agent} at ${when(v.at, v.timeZone)}.`;

/** On the request a missed call opened, when the call's answer arrives after its end (events out of order). */
export const answeredAfterAll = (locale: Locale, agent: string | null) =>
  locale === 'ru'
    ? `Звонок всё-таки был принят${agent ? ` (${agent})` : ''}: перезванивать не нужно. Закройте заявку, если вопрос решён.`
    : `The call was answered after all${agent ? ` (by ${agent})` : ''}: no callback is needed. Close the request if nothing is left to do.`;

export const callbackMarkedDone = (locale: Locale, agent: string) =>
  locale === 'ru' ? `Обратный звонок отмечен выполненным: ${agent}.` : `Callback marked done by ${agent}.`;

export const workNote = (number: string) => `Phone call ${number}`;
