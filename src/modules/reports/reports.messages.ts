import type { Locale } from '../identity/index.js';

/** Every word of a report a person reads, in English and Russian: notes, table and column names, e-mails. */
export const TEXT = {
  en: {
    notes: {
      businessTime: 'Response and resolution times are business minutes, as the SLA clocks count them (pauses excluded).',
      deflections: 'Deflections (answered by an article, no request made) are counted per organization only: the other filters do not apply to them.',
      noRatings: 'No request has been rated yet: satisfaction figures appear once requesters rate resolved requests.',
      noRatingsInPeriod: 'No request resolved in this period has been rated.',
      flagged: (n: number) => `${n} work entries are flagged (e.g. a timer left running overnight) and not counted until their duration is confirmed.`,
      prorated: 'Included hours are the plans\u2019 monthly hours, prorated by days for partial months.',
      calls: 'Telephone figures are counted per organization and agent only: with the other filters they are left out.',
    },
    tables: { summary: 'Summary', volume: 'Volume', breakdown: 'Breakdown', sla: 'SLA', lines: 'Lines', organizations: 'Organizations', agents: 'Agents', staffing: 'Staffing', calls: 'Calls' },
    columns: {
      figure: 'Figure', value: 'Value', start: 'From', end: 'To', received: 'Received', resolved: 'Resolved', closed: 'Closed', reopened: 'Reopened',
      backlog: 'Backlog at end', key: 'Id', label: 'Name', metric: 'Target', priority: 'Priority', total: 'Measured', met: 'Met', missed: 'Missed',
      compliancePct: 'Compliance, %', breaches: 'Breaches', line: 'Line', totalMinutes: 'Business minutes', requests: 'Requests at the line',
      avgMinutesPerRequest: 'Average per request at the line, min', avgMinutesPerResolvedRequest: 'Average per resolved request, min',
      organization: 'Organization', plan: 'Plan', includedHours: 'Included hours', billableHours: 'Billable hours', nonBillableHours: 'Non-billable hours',
      overageHours: 'Overage hours', agent: 'Agent', workedHours: 'Hours worked', capacityHours: 'Capacity hours', utilisationPct: 'Utilisation, %',
      weekday: 'Weekday', hour: 'Hour', arrivalsPerHour: 'Arrivals per hour', trafficErlangs: 'Traffic, Erlangs', agentsNeeded: 'Agents needed',
      serviceLevelPct: 'Service level, %', waitProbabilityPct: 'Probability of waiting, %', agentsOnShift: 'Agents on shift', gap: 'Gap',
    },
    metrics: { first_response: 'First response', resolution: 'Resolution', all: 'All priorities' },
    figures: {
      period: 'Period', timeZone: 'Time zone', received: 'Requests received', resolved: 'Requests resolved', closed: 'Requests closed', reopened: 'Requests reopened',
      backlogAtStart: 'Backlog at start', backlogAtEnd: 'Backlog at end', frMedian: 'First response, median (business min)', frP90: 'First response, 90th percentile (business min)',
      resMedian: 'Resolution, median (business min)', resP90: 'Resolution, 90th percentile (business min)', frCompliance: 'First response within target, %',
      resCompliance: 'Resolution within target, %', breaches: 'SLA breaches', resolvedAtL1Pct: 'Resolved at L1, % (goal 90)', byTime: 'Escalated by time',
      byDifficulty: 'Escalated by difficulty', byHand: 'Escalated by hand', handedToDevelopers: 'Handed to developers', averageRating: 'Average rating',
      responseRatePct: 'Rating response rate, %', deflections: 'Deflected by an article', solvedWithArticle: 'Solved with an article',
      resolvedAtL2L3WithoutArticle: 'Solved at L2/L3 without an article', workedHours: 'Hours worked', billableHours: 'Billable hours', includedHours: 'Included hours', overageHours: 'Overage hours',
      callsInbound: 'Inbound calls', callsOutbound: 'Outbound calls', callsInboundAnswered: 'Inbound calls answered', callsInboundMissed: 'Inbound calls missed (incl. busy, voicemail)',
      callsInboundFailed: 'Inbound calls failed', callsAnswerRatePct: 'Answer rate, %', callsAnswerMedian: 'Time to answer, median (s)', callsAnswerP90: 'Time to answer, 90th percentile (s)',
      callsAvgTalk: 'Average talk time (s)', callbacksOpened: 'Callbacks opened', callbacksCompleted: 'Callbacks completed', callbackMedian: 'Time to call back, median (min)',
    },
    weekdays: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
    none: '(none)',
    mail: {
      subject: (kind: 'weekly' | 'monthly', scope: string, period: string) => `Tierdesk: ${kind} report for ${scope}, ${period}`,
      intro: (kind: 'weekly' | 'monthly', scope: string, period: string) => `The ${kind} service desk report for ${scope}, ${period}:`,
      provider: 'all clients',
      link: 'The full report, with charts and downloads:',
    },
    staffing: {
      noAht: 'No handling time: the time tracker has no work by this line yet. Enter an average handling time to see the agents needed.',
      noCallAht: 'No handling time: no inbound call was answered in the history. Enter an average handling time to see the agents needed.',
      recentAht: (weeks: number) => `No work was logged in the history: the handling time is measured over the work of the last ${weeks} weeks.`,
      calls: 'Arrivals are the inbound calls offered (answered or not); the handling time is their average talk time.',
      roster: 'Agents on shift come from the staff rosters (each person\u2019s weekly hours in their own time zone).',
      noRoster: 'No roster is set for this line: agents on shift are 0 until the manager sets the shifts.',
    },
  },
  ru: {
    notes: {
      businessTime: 'Время ответа и решения — в рабочих минутах, как их считают часы SLA (без пауз).',
      deflections: 'Предотвращённые обращения (ответ нашёлся в статье, обращение не создано) считаются только по организации: другие фильтры к ним не относятся.',
      noRatings: 'Оценок пока нет: показатели удовлетворённости появятся, когда заявители начнут оценивать решённые обращения.',
      noRatingsInPeriod: 'Ни одно обращение, решённое за этот период, не оценено.',
      flagged: (n: number) => `Записей времени с пометкой (например, таймер, оставленный на ночь): ${n}; они не учитываются, пока не подтверждена длительность.`,
      prorated: 'Включённые часы — месячные часы тарифов, для неполных месяцев пропорционально числу дней.',
      calls: 'Показатели телефонии считаются только по организации и сотруднику: с другими фильтрами они не показываются.',
    },
    tables: { summary: 'Сводка', volume: 'Объём', breakdown: 'Разбивка', sla: 'SLA', lines: 'Линии', organizations: 'Организации', agents: 'Сотрудники', staffing: 'Персонал', calls: 'Звонки' },
    columns: {
      figure: 'Показатель', value: 'Значение', start: 'С', end: 'По', received: 'Поступило', resolved: 'Решено', closed: 'Закрыто', reopened: 'Переоткрыто',
      backlog: 'Открыто на конец', key: 'Идентификатор', label: 'Название', metric: 'Цель', priority: 'Приоритет', total: 'Измерено', met: 'В срок',
      missed: 'С нарушением', compliancePct: 'Соблюдение, %', breaches: 'Нарушения', line: 'Линия', totalMinutes: 'Рабочих минут', requests: 'Обращений на линии',
      avgMinutesPerRequest: 'В среднем на обращение на линии, мин', avgMinutesPerResolvedRequest: 'В среднем на решённое обращение, мин',
      organization: 'Организация', plan: 'Тариф', includedHours: 'Включено часов', billableHours: 'Оплачиваемых часов', nonBillableHours: 'Неоплачиваемых часов',
      overageHours: 'Часов сверх тарифа', agent: 'Сотрудник', workedHours: 'Отработано часов', capacityHours: 'Доступно часов', utilisationPct: 'Загрузка, %',
      weekday: 'День недели', hour: 'Час', arrivalsPerHour: 'Поступает в час', trafficErlangs: 'Нагрузка, Эрл', agentsNeeded: 'Нужно сотрудников',
      serviceLevelPct: 'Уровень обслуживания, %', waitProbabilityPct: 'Вероятность ожидания, %', agentsOnShift: 'На смене', gap: 'Нехватка',
    },
    metrics: { first_response: 'Первый ответ', resolution: 'Решение', all: 'Все приоритеты' },
    figures: {
      period: 'Период', timeZone: 'Часовой пояс', received: 'Поступило обращений', resolved: 'Решено обращений', closed: 'Закрыто обращений', reopened: 'Переоткрыто обращений',
      backlogAtStart: 'Открыто на начало', backlogAtEnd: 'Открыто на конец', frMedian: 'Первый ответ, медиана (рабочих мин)', frP90: 'Первый ответ, 90-й процентиль (рабочих мин)',
      resMedian: 'Решение, медиана (рабочих мин)', resP90: 'Решение, 90-й процентиль (рабочих мин)', frCompliance: 'Первый ответ в срок, %',
      resCompliance: 'Решение в срок, %', breaches: 'Нарушений SLA', resolvedAtL1Pct: 'Решено на L1, % (цель 90)', byTime: 'Эскалировано по времени',
      byDifficulty: 'Эскалировано по сложности', byHand: 'Эскалировано вручную', handedToDevelopers: 'Передано разработчикам', averageRating: 'Средняя оценка',
      responseRatePct: 'Доля оценённых, %', deflections: 'Предотвращено статьёй', solvedWithArticle: 'Решено по статье',
      resolvedAtL2L3WithoutArticle: 'Решено на L2/L3 без статьи', workedHours: 'Отработано часов', billableHours: 'Оплачиваемых часов', includedHours: 'Включено часов', overageHours: 'Часов сверх тарифа',
      callsInbound: 'Входящих звонков', callsOutbound: 'Исходящих звонков', callsInboundAnswered: 'Входящих отвечено', callsInboundMissed: 'Входящих пропущено (вкл. занято, голосовая почта)',
      callsInboundFailed: 'Входящих не состоялось', callsAnswerRatePct: 'Доля отвеченных, %', callsAnswerMedian: 'Время до ответа, медиана (с)', callsAnswerP90: 'Время до ответа, 90-й процентиль (с)',
      callsAvgTalk: 'Средняя длительность разговора (с)', callbacksOpened: 'Перезвонов открыто', callbacksCompleted: 'Перезвонов выполнено', callbackMedian: 'Время до перезвона, медиана (мин)',
    },
    weekdays: ['понедельник', 'вторник', 'среда', 'четверг', 'пятница', 'суббота', 'воскресенье'],
    none: '(нет)',
    mail: {
      subject: (kind: 'weekly' | 'monthly', scope: string, period: string) => `Tierdesk: ${kind === 'weekly' ? 'недельный' : 'месячный'} отчёт — ${scope}, ${period}`,
      intro: (kind: 'weekly' | 'monthly', scope: string, period: string) => `${kind === 'weekly' ? 'Недельный' : 'Месячный'} отчёт службы поддержки — ${scope}, ${period}:`,
      provider: 'все клиенты',
      link: 'Полный отчёт с графиками и выгрузками:',
    },
    staffing: {
      noAht: 'Нет времени обработки: в учёте времени пока нет работы этой линии. Укажите среднее время обработки, чтобы увидеть, сколько нужно сотрудников.',
      noCallAht: 'Нет времени обработки: за период истории не принято ни одного входящего звонка. Укажите среднее время обработки, чтобы увидеть, сколько нужно сотрудников.',
      recentAht: (weeks: number) => `За период истории работа не записана: время обработки измерено по работе за последние ${weeks} недель.`,
      calls: 'Поступления — все входящие звонки (принятые и пропущенные); время обработки — их средняя длительность разговора.',
      roster: 'Сотрудники на смене — из графиков (часы каждого по его часовому поясу).',
      noRoster: 'Для этой линии не задан график: на смене 0, пока руководитель не задаст смены.',
    },
  },
} satisfies Record<Locale, unknown>;

export type Text = (typeof TEXT)['en'];
export const text = (locale: Locale): Text => TEXT[locale] as Text;

/** A number as a person reads it in their language. */
export const formatNumber = (v: number | null, locale: Locale, digits = 1) =>
  v === null ? '—' : new Intl.NumberFormat(locale === 'ru' ? 'ru-RU' : 'en-GB', { maximumFractionDigits: digits }).format(v);

/** "1–7 Dec 2026" style: the period's dates in the reader's language. */
export function periodLabel(start: string, end: string, locale: Locale) {
  const f = new Intl.DateTimeFormat(locale === 'ru' ? 'ru-RU' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const d = (s: string) => new Date(`${s}T12:00:00Z`);
  return start === end ? f.format(d(start)) : f.formatRange(d(start), d(end));
}
