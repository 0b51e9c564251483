import type { TimerHandler } from '../core/jobs/timers.js';
import { type AppContext, within } from './db.js';
import { onLineBudgetUsed, onTicketRouted } from './escalation/escalation.engine.js';
import { applyHandOff, prepareHandOff } from './escalation/handoff.service.js';
import { CLOCK_EVENTS, onBreach, onLineWarning, onOrganizationChanged, onTicketEvent, onWarning } from './sla/index.js';
import { NOTIFIABLE_EVENTS, onNotifiableEvent } from './notifications/index.js';
import { onTicketStatusChanged } from './kb/index.js';
import { onReportEvent, onRequestCreating, onScheduledReport, REPORT_EVENTS, SCHEDULES } from './reports/index.js';
import { onOvernightTimer, OVERNIGHT_TIMER } from './timetracking/index.js';
import { applyScheduledSync, prepareScheduledSync, SYNC_TIMER } from './identity/directory-sync/sync.service.js';
import { applyDelivery, DELIVERY_TIMER, onWebhookEvent, prepareDelivery, WEBHOOK_EVENTS, WEBHOOK_FACT, webhookFact } from './webhooks/index.js';
import { RETENTION_TIMER, retentionHandler } from './retention/index.js';
import { onMajorIncidentReplied, onMajorIncidentStatusChanged, OPEN_MAJOR_FACT, openMajorFact } from './problems/index.js';
import { addTargetSource } from './sla/index.js';
import { catalogTargets } from './catalog/index.js';
import { guardStatusChange, onReply as onChangeReply } from './changes/index.js';
import { loadTimeRules, subscribeTicketTimes, TIME_RULES_TIMER, timeRuleAct, timeRulesHandler } from './automation/time-rules.js';
import { onRuleEvent, RULE_SOURCE_EVENTS } from './automation/index.js';


/**
 * How the modules react to each other's events, inside the transaction of the change: the SLA
 * clocks follow every ticket event; a new or moved request is assigned.
 */
export function subscribeModules(app: AppContext) {
  // Reports note a new request first: its row, inserted after the reactions below, takes what they change.
  app.events.on('ticket.created', (trx, e) => onRequestCreating(trx, e));
  for (const type of CLOCK_EVENTS) app.events.on(type, (trx, e) => onTicketEvent(within(app, trx), trx, e));
  app.events.on('ticket.created', (trx, e) => onTicketRouted(within(app, trx), e));
  app.events.on('ticket.line_changed', (trx, e) => onTicketRouted(within(app, trx), e));
  app.events.on('organization.terms_changed', (trx, e) => onOrganizationChanged(within(app, trx), trx, e));
  // The knowledge base indexes a request when it is resolved or closed, and drops it when reopened.
  app.events.on('ticket.status_changed', (trx, e) => onTicketStatusChanged(within(app, trx), e));
  // A major incident's public update reaches its children's people; its resolution resolves them.
  app.events.fact('ticket.replied', OPEN_MAJOR_FACT, openMajorFact);
  app.events.on('ticket.replied', (trx, e) => onMajorIncidentReplied(within(app, trx), trx, e));
  app.events.on('ticket.status_changed', (trx, e) => onMajorIncidentStatusChanged(within(app, trx), trx, e));
  // Reports keep their read model, after the clocks have moved and the request has been assigned.
  for (const type of REPORT_EVENTS) app.events.on(type, (trx, e) => onReportEvent(trx, e, app.clock.now().toISOString()));
  // Last, so that a notice sees the request as the other reactions left it (e.g. assigned after a move).
  for (const type of NOTIFIABLE_EVENTS) app.events.on(type, (trx, e) => onNotifiableEvent(within(app, trx), trx, e));
  // Outbound webhooks: a delivery row per subscriber, posted after the commit by a timer.
  for (const type of WEBHOOK_EVENTS) app.events.fact(type, WEBHOOK_FACT, webhookFact);
  for (const type of WEBHOOK_EVENTS) app.events.on(type, (trx, e) => onWebhookEvent(within(app, trx), trx, e));
  // Changes: nothing is worked before approval (409); an approver's reply "approve"/"reject" decides.
  app.events.on('ticket.status_changed', (trx, e) => guardStatusChange(within(app, trx), trx, e));
  app.events.on('ticket.replied', (trx, e) => onChangeReply(within(app, trx), trx, e));
  // Time rules: since when each request is pending, unassigned, waiting for a reply.
  subscribeTicketTimes(app);
  // Automation rules: noted with each event, run at the end of the change's transaction.
  for (const type of RULE_SOURCE_EVENTS) app.events.on(type, (trx, e) => onRuleEvent(within(app, trx), trx, e));
  // A request ordered from the catalog runs on its item's SLA targets.
  addTargetSource(catalogTargets);
}

/** The handler of each kind of durable timer. */
export function timerHandlers(app: AppContext): Record<string, TimerHandler> {
  return {
    'sla.warning': (trx, t) => onWarning(within(app, trx), trx, t),
    'sla.breach': (trx, t) => onBreach(within(app, trx), trx, t),
    'sla.line_warning': (trx, t) => onLineWarning(within(app, trx), trx, t),
    'sla.line_budget': (trx, t) => onLineBudgetUsed(within(app, trx), t),
    'escalation.handoff': {
      prepare: (_db, t) => prepareHandOff(app, t),
      apply: (trx, t, outcome: Awaited<ReturnType<typeof prepareHandOff>>) => applyHandOff(app, trx, t, outcome),
    },
    [DELIVERY_TIMER]: {
      prepare: (_db, t) => prepareDelivery(app, t),
      apply: (trx, t, outcome: Awaited<ReturnType<typeof prepareDelivery>>) => applyDelivery(within(app, trx), trx, t, outcome),
    },
    [SYNC_TIMER]: {
      prepare: (_db, t) => prepareScheduledSync(app, t),
      apply: (trx, t, outcome: Awaited<ReturnType<typeof prepareScheduledSync>>) => applyScheduledSync(within(app, trx), trx, t, outcome),
    },
    [OVERNIGHT_TIMER]: (trx, t) => onOvernightTimer(within(app, trx), trx, t),
    [SCHEDULES.weekly.kind]: (trx, t) => onScheduledReport(within(app, trx), trx, t),
    [SCHEDULES.monthly.kind]: (trx, t) => onScheduledReport(within(app, trx), trx, t),
    [RETENTION_TIMER.kind]: retentionHandler(app),
    [TIME_RULES_TIMER.kind]: timeRulesHandler(app, loadTimeRules, timeRuleAct),
  };
}
