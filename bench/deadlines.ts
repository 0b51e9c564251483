import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { addBusinessMinutes, type CalendarSpec } from '../src/modules/sla/business-time.js';

const day: [string, string][] = [['09:00', '13:00'], ['14:00', '18:00']];
const MOSCOW: CalendarSpec = {
  timeZone: 'Europe/Moscow',
  week: { mon: day, tue: day, wed: day, thu: day, fri: day },
  holidays: ['2026-11-04', '2026-12-31', '2027-01-01', '2027-01-04', '2027-01-05', '2027-01-06', '2027-01-07', '2027-01-08'],
};
const BERLIN_NIGHTS: CalendarSpec = { timeZone: 'Europe/Berlin', week: { mon: [['22:00', '24:00']], tue: [['00:00', '06:00'], ['22:00', '24:00']], wed: [['00:00', '06:00']] } };

/**
 * SLA deadlines computed per second (business-time arithmetic on real calendars), with the ratio to
 * plain wall-clock addition of the same minutes to the same starts in the same run.
 */
export async function benchDeadlines(): Promise<object[]> {
  const n = 200_000;
  const base = Date.parse('2026-10-01T00:00:00Z');
  const starts = Array.from({ length: n }, (_, i) => new Date(base + ((i * 7_919_000) % (120 * 86_400_000))));
  const minutes = Array.from({ length: n }, (_, i) => [15, 60, 240, 480, 1440][i % 5]!);
  const time = (fn: (i: number) => unknown) => {
    const t0 = performance.now();
    let sink = 0;
    for (let i = 0; i < n; i++) sink += Number(fn(i) !== null);
    return { ms: performance.now() - t0, sink };
  };
  const plain = time((i) => new Date(starts[i]!.getTime() + minutes[i]! * 60_000));
  const out: object[] = [];
  for (const [name, cal] of [['Moscow working days with lunch and holidays', MOSCOW], ['Berlin night shifts across DST', BERLIN_NIGHTS]] as const) {
    time((i) => addBusinessMinutes(cal, starts[i]!, minutes[i]!)); // warm the calendar caches and the JIT
    const r = time((i) => addBusinessMinutes(cal, starts[i]!, minutes[i]!));
    const perSecond = Math.round((n / r.ms) * 1000);
    const baselinePerSecond = Math.round((n / plain.ms) * 1000);
    out.push({ name: `deadlines: ${name}`, deadlinesPerSecond: perSecond, baselinePerSecond, ratio: Number((perSecond / baselinePerSecond).toFixed(4)) });
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  for (const line of await benchDeadlines()) console.log(JSON.stringify(line));
}
