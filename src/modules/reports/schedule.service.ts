import { Temporal } from 'temporal-polyfill';
import type { ReportT } from '../../contracts/reports.js';
import { inTransaction } from '../../core/db/connect.js';
import { scheduleTimer, type DueTimer } from '../../core/jobs/timers.js';
import { enqueueMail } from '../../core/mail/outbox.js';
import type { AppContext, Db } from '../db.js';
import type { Locale } from '../identity/index.js';
import { localTime } from '../timetracking/index.js';
import { buildReport } from './report.service.js';
import { formatNumber, periodLabel, text } from './reports.messages.js';
import { reportRecipients } from './sources.repo.js';

/**
 * Scheduled reports: every Monday morning the past week's, every 1st the past month's, by e-mail to
 * each service desk manager (all clients) and each client IT manager (their organization only), in
 * each one's language. One durable timer per kind, which sends and sets the next.
 */
export const SCHEDULES = {
  weekly: { kind: 'reports.weekly', key: 'reports:weekly' },
  monthly: { kind: 'reports.monthly', key: 'reports:monthly' },
} as const;
export type ScheduleKind = keyof typeof SCHEDULES;
/** Local time the reports go out. */
const SEND_AT = { hour: 7 };

/** The next run after an instant: Monday 07:00, or the 1st at 07:00, in the provider's time zone. */
export function nextRun(kind: ScheduleKind, after: Date, timeZone: string): Date {
  const today = Temporal.PlainDate.from(localTime.localDateOf(after, timeZone));
  let d = kind === 'weekly' ? today.subtract({ days: today.dayOfWeek - 1 }) : today.with({ day: 1 });
  for (;;) {
    const at = d.toZonedDateTime({ timeZone, plainTime: Temporal.PlainTime.from(SEND_AT) }).epochMilliseconds;
    if (at > after.getTime()) return new Date(at);
    d = kind === 'weekly' ? d.add({ weeks: 1 }) : d.add({ months: 1 });
  }
}

/** Sets the first run of each schedule unless one is pending (at every start; idempotent). */
export async function ensureReportSchedules(app: AppContext) {
  await inTransaction(app.db, async (trx) => {
    for (const [name, s] of Object.entries(SCHEDULES) as [ScheduleKind, (typeof SCHEDULES)[ScheduleKind]][]) {
      const pending = await trx.selectFrom('timers').select('id').where('key', '=', s.key).where('fired_at', 'is', null).where('failed_at', 'is', null).executeTakeFirst();
      if (!pending) await scheduleTimer(trx, { key: s.key, kind: s.kind, subjectId: 'reports', dueAt: nextRun(name, app.clock.now(), app.config.providerTimeZone) });
    }
  });
}

/** The e-mail of a report, in the recipient's language. */
export function reportMail(kind: ScheduleKind, r: ReportT, scope: string | null, locale: Locale, link: string) {
  const t = text(locale);
  const f = t.figures;
  const num = (v: number | null) => formatNumber(v, locale);
  const target = (metric: string) => r.sla.targets.find((x) => x.metric === metric && x.priority === null)!;
  const who = scope ?? t.mail.provider;
  const period = periodLabel(r.period.start, r.period.end, locale);
  const included = r.time.organizations.reduce((h, o) => h + o.includedHours, 0);
  const lines: [string, number | null][] = [
    [f.received, r.volume.received],
    [f.resolved, r.volume.resolved],
    [f.reopened, r.volume.reopened],
    [f.backlogAtEnd, r.volume.backlogAtEnd],
    [f.frMedian, r.times.firstResponse.medianMinutes],
    [f.resMedian, r.times.resolution.medianMinutes],
    [f.frCompliance, target('first_response').compliancePct],
    [f.resCompliance, target('resolution').compliancePct],
    [f.breaches, target('first_response').breaches + target('resolution').breaches],
    [f.resolvedAtL1Pct, r.escalations.resolvedAtL1Pct],
    ...(scope === null
      ? ([
          [f.byTime, r.escalations.byTime],
          [f.byDifficulty, r.escalations.byDifficulty],
          [f.byHand, r.escalations.byHand],
          [f.handedToDevelopers, r.escalations.handedToDevelopers],
          [f.workedHours, r.time.workedHours],
        ] as [string, number | null][])
      : []),
    [f.billableHours, r.time.billableHours],
    ...(scope !== null ? ([[f.includedHours, included]] as [string, number | null][]) : []),
    [f.averageRating, r.satisfaction.averageRating],
    ...(r.calls
      ? ([
          [f.callsInbound, r.calls.inbound],
          [f.callsInboundMissed, r.calls.inboundMissed],
          [f.callsAnswerRatePct, r.calls.answerRatePct],
          [f.callbacksOpened, r.calls.callbacksOpened],
        ] as [string, number | null][])
      : []),
  ];
  return {
    subject: t.mail.subject(kind, who, period),
    text: `${t.mail.intro(kind, who, period)}\n\n${lines.map(([k, v]) => `${k}: ${num(v)}`).join('\n')}\n\n${t.mail.link}\n${link}\n`,
  };
}

/** Timer: sends the past period's reports and sets the next run. */
export async function onScheduledReport(app: AppContext, trx: Db, due: DueTimer) {
  const kind: ScheduleKind = due.kind === SCHEDULES.monthly.kind ? 'monthly' : 'weekly';
  const timeZone = app.config.providerTimeZone;
  // The period that ended at the local midnight before the run.
  const date = localTime.addDays(localTime.localDateOf(due.dueAt, timeZone), -1);
  const input = { period: kind === 'weekly' ? ('week' as const) : ('month' as const), date, timeZone };
  const link = (organizationId?: string) =>
    `${app.config.publicUrl}/reports?period=${input.period}&date=${date}${organizationId ? `&organizationId=${organizationId}` : ''}`;
  const recipients = await reportRecipients(trx);
  const reports = new Map<string, ReportT>();
  const reportOf = async (organizationId: string | null) => {
    const key = organizationId ?? '';
    if (!reports.has(key))
      reports.set(key, await buildReport(app, trx, { ...input, ...(organizationId && { organizationId }) }, { client: organizationId !== null, locale: 'en' }));
    return reports.get(key)!;
  };
  const orgNames = new Map((await trx.selectFrom('organizations').select(['id', 'name']).execute()).map((o) => [o.id, o.name]));
  for (const u of recipients) {
    const organizationId = u.role === 'client_manager' ? u.organization_id : null;
    if (u.role === 'client_manager' && !organizationId) continue;
    const r = await reportOf(organizationId);
    const mail = reportMail(kind, r, organizationId ? (orgNames.get(organizationId) ?? '') : null, u.locale as Locale, link(organizationId ?? undefined));
    await enqueueMail(trx, { to: u.email, ...mail });
  }
  const s = SCHEDULES[kind];
  const after = new Date(Math.max(new Date(due.dueAt).getTime(), app.clock.now().getTime()));
  await scheduleTimer(trx, { key: s.key, kind: s.kind, subjectId: 'reports', dueAt: nextRun(kind, after, timeZone) });
}
