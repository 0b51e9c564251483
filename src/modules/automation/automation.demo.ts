import type { AppContext } from '../db.js';
import type { Actor } from '../identity/index.js';
import { createCanned } from '../canned/canned.service.js';
import { createRule } from './automation.service.js';

/** Three business days and seven, in business minutes of the demo's Moscow working day (8 hours). */
const BUSINESS_DAY = 8 * 60;

/**
 * The demo's automation rules, made by the service desk manager: mail from a monitoring system opens
 * a P2 incident tagged `monitoring`; a request waiting for the customer is reminded after 3 business
 * days and closed after 7; a P1 made out of business hours pages the on-call L2 engineer by SMS.
 * Names in both languages, as the demo's canned replies; texts are canned replies (en and ru), so
 * each reader gets their own language.
 */
export async function seedDemoAutomation(app: AppContext, manager: Actor) {
  const canned = (name: string, bodyRu: string, bodyEn: string) => createCanned(app, manager, { name, bodyRu, bodyEn, shared: true });
  const reminder = await canned(
    'Напоминание: ждём ответа / Reminder: waiting for you',
    '{{requester.firstName}}, напоминаем: по обращению {{ticket.number}} мы ждём вашего ответа. Если ответа не будет, через несколько дней мы закроем обращение.',
    '{{requester.firstName}}, a reminder: we are waiting for your answer on {{ticket.number}}. Without one, we will close the request in a few days.',
  );
  const closing = await canned(
    'Закрыто без ответа / Closed without an answer',
    '{{requester.firstName}}, мы закрыли обращение {{ticket.number}}: ответа не было 7 рабочих дней. Если вопрос остался, просто ответьте на это письмо.',
    '{{requester.firstName}}, we have closed {{ticket.number}}: there was no answer for 7 business days. If the problem remains, just reply to this message.',
  );
  const page = await canned(
    'P1 в нерабочее время (SMS) / P1 out of hours (SMS)',
    'P1 {{ticket.number}}: {{ticket.subject}}. Срочно, вне рабочего времени.',
    'P1 {{ticket.number}}: {{ticket.subject}}. Urgent, out of business hours.',
  );

  await createRule(app, manager, {
    name: 'Письмо мониторинга → инцидент P2 / Monitoring mail → P2 incident',
    kind: 'event',
    events: ['ticket.created'],
    conditions: {
      all: [
        { field: 'ticket.channel', op: 'is', value: 'email' },
        { field: 'requester.email', op: 'matches', value: '^(monitoring|zabbix|alerts?)@' },
      ],
    },
    actions: [
      { type: 'type', ticketType: 'incident' },
      { type: 'priority', priority: 'P2' },
      { type: 'tags', add: ['monitoring'] },
    ],
  });
  await createRule(app, manager, {
    name: 'Напомнить через 3 рабочих дня ожидания / Remind after 3 business days pending',
    kind: 'time',
    time: { field: 'pending_customer', minutes: 3 * BUSINESS_DAY, business: true },
    actions: [{ type: 'reply', cannedReplyId: reminder }],
  });
  await createRule(app, manager, {
    name: 'Закрыть через 7 рабочих дней ожидания / Close after 7 business days pending',
    kind: 'time',
    time: { field: 'pending_customer', minutes: 7 * BUSINESS_DAY, business: true },
    actions: [
      { type: 'reply', cannedReplyId: closing },
      { type: 'status', status: 'closed' },
    ],
  });
  await createRule(app, manager, {
    name: 'P1 в нерабочее время → SMS дежурному L2 / P1 out of hours → SMS to the on-call L2',
    kind: 'event',
    events: ['ticket.created'],
    conditions: {
      all: [
        { field: 'ticket.priority', op: 'is', value: 'P1' },
        { field: 'event.time', op: 'out_of_business_hours' },
      ],
    },
    actions: [{ type: 'notify', to: 'role:l2_oncall', channel: 'sms', cannedReplyId: page }],
  });
}
