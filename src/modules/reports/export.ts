import type { z } from 'zod';
import type { ReportT, ReportTable, Staffing } from '../../contracts/reports.js';
import { lazy } from '../../core/lazy.js';
import type { Locale } from '../identity/index.js';
import { periodLabel, text, type Text } from './reports.messages.js';

type Cell = string | number | null;
/** A table as exported: a name, localized column headers, rows. */
export interface Table {
  name: string;
  columns: { key: string; header: string }[];
  rows: Record<string, Cell>[];
}

export type ReportTableName = z.infer<typeof ReportTable>;

const table = (t: Text, name: keyof Text['tables'], keys: (keyof Text['columns'])[], rows: Record<string, Cell>[]): Table => ({
  name: t.tables[name],
  columns: keys.map((key) => ({ key, header: t.columns[key] })),
  rows,
});

/** The report's tables with headers in the reader's language. */
export function reportTables(r: ReportT, locale: Locale): Record<ReportTableName, Table> {
  const t = text(locale);
  const f = t.figures;
  const target = (metric: string) => r.sla.targets.find((x) => x.metric === metric && x.priority === null)!;
  const summary: [string, Cell][] = [
    [f.period, periodLabel(r.period.start, r.period.end, locale)],
    [f.timeZone, r.period.timeZone],
    [f.received, r.volume.received],
    [f.resolved, r.volume.resolved],
    [f.closed, r.volume.closed],
    [f.reopened, r.volume.reopened],
    [f.backlogAtStart, r.volume.backlogAtStart],
    [f.backlogAtEnd, r.volume.backlogAtEnd],
    [f.frMedian, r.times.firstResponse.medianMinutes],
    [f.frP90, r.times.firstResponse.p90Minutes],
    [f.resMedian, r.times.resolution.medianMinutes],
    [f.resP90, r.times.resolution.p90Minutes],
    [f.frCompliance, target('first_response').compliancePct],
    [f.resCompliance, target('resolution').compliancePct],
    [f.breaches, target('first_response').breaches + target('resolution').breaches],
    [f.resolvedAtL1Pct, r.escalations.resolvedAtL1Pct],
    [f.byTime, r.escalations.byTime],
    [f.byDifficulty, r.escalations.byDifficulty],
    [f.byHand, r.escalations.byHand],
    [f.handedToDevelopers, r.escalations.handedToDevelopers],
    [f.averageRating, r.satisfaction.averageRating],
    [f.responseRatePct, r.satisfaction.responseRatePct],
    [f.deflections, r.knowledgeBase.deflections],
    [f.solvedWithArticle, r.knowledgeBase.solvedWithArticle],
    [f.resolvedAtL2L3WithoutArticle, r.knowledgeBase.resolvedAtL2L3WithoutArticle],
    [f.workedHours, r.time.workedHours],
    [f.billableHours, r.time.billableHours],
  ];
  const c = r.calls;
  // None under a filter the calls do not have (the note says so): the table is then empty.
  const calls: [string, Cell][] = c
    ? [
        [f.callsInbound, c.inbound],
        [f.callsOutbound, c.outbound],
        [f.callsInboundAnswered, c.inboundAnswered],
        [f.callsInboundMissed, c.inboundMissed],
        [f.callsInboundFailed, c.inboundFailed],
        [f.callsAnswerRatePct, c.answerRatePct],
        [f.callsAnswerMedian, c.answerMedianSeconds],
        [f.callsAnswerP90, c.answerP90Seconds],
        [f.callsAvgTalk, c.avgTalkSeconds],
        [f.callbacksOpened, c.callbacksOpened],
        [f.callbacksCompleted, c.callbacksCompleted],
        [f.callbackMedian, c.callbackMedianMinutes],
      ]
    : [];
  return {
    summary: table(t, 'summary', ['figure', 'value'], summary.map(([figure, value]) => ({ figure, value }))),
    volume: table(t, 'volume', ['start', 'end', 'received', 'resolved', 'closed', 'reopened', 'backlog'], r.volume.series),
    breakdown: table(t, 'breakdown', ['key', 'label', 'received', 'resolved', 'closed', 'reopened', 'backlog'], (r.volume.breakdown?.rows ?? []).map((x) => ({ ...x, backlog: x.backlogAtEnd }))),
    sla: table(
      t,
      'sla',
      ['metric', 'priority', 'total', 'met', 'missed', 'compliancePct', 'breaches'],
      r.sla.targets.map((x) => ({ ...x, metric: t.metrics[x.metric], priority: x.priority ?? t.metrics.all })),
    ),
    lines: table(t, 'lines', ['line', 'totalMinutes', 'requests', 'avgMinutesPerRequest', 'avgMinutesPerResolvedRequest'], r.lines),
    organizations: table(
      t,
      'organizations',
      ['organization', 'plan', 'includedHours', 'billableHours', 'nonBillableHours', 'overageHours'],
      r.time.organizations.map((o) => ({ ...o, organization: o.name, plan: o.planName })),
    ),
    agents: table(t, 'agents', ['agent', 'workedHours', 'billableHours', 'capacityHours', 'utilisationPct'], (r.time.agents ?? []).map((a) => ({ ...a, agent: a.name }))),
    calls: table(t, 'calls', ['figure', 'value'], calls.map(([figure, value]) => ({ figure, value }))),
  };
}

/** The staffing forecast as a table. */
export function staffingTable(s: z.infer<typeof Staffing>, locale: Locale): Table {
  const t = text(locale);
  return table(
    t,
    'staffing',
    ['weekday', 'hour', 'arrivalsPerHour', 'trafficErlangs', 'agentsNeeded', 'serviceLevelPct', 'waitProbabilityPct', 'agentsOnShift', 'gap'],
    s.hours.map((h) => ({ ...h, weekday: t.weekdays[h.weekday - 1]!, hour: `${String(h.hour).padStart(2, '0')}:00` })),
  );
}

const csvCell = (v: Cell) => {
  const s = v === null ? '' : String(v);
  return /[",\n\r;]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/**
 * A table as CSV (RFC 4180, comma-separated, numbers with a decimal point), starting with a UTF-8
 * byte order mark so that spreadsheet programs read the Cyrillic headers right.
 */
export function toCsv(t: Table): string {
  const lines = [t.columns.map((c) => csvCell(c.header)).join(','), ...t.rows.map((r) => t.columns.map((c) => csvCell(r[c.key] ?? null)).join(','))];
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

const exceljs = lazy(() => import('exceljs'));

/** Tables as the sheets of one XLSX workbook, headers in bold. */
export async function toXlsx(tables: Table[]): Promise<Buffer> {
  const { default: ExcelJS } = await exceljs();
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Tierdesk';
  for (const t of tables) {
    const ws = wb.addWorksheet(t.name.slice(0, 31));
    ws.columns = t.columns.map((c) => ({ header: c.header, key: c.key, width: Math.min(50, Math.max(12, c.header.length + 2)) }));
    ws.getRow(1).font = { bold: true };
    for (const r of t.rows) ws.addRow(Object.fromEntries(t.columns.map((c) => [c.key, r[c.key] ?? null])));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
