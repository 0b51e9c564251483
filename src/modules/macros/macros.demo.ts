import type { AppContext } from '../db.js';
import type { Actor } from '../identity/index.js';
import { createCanned } from '../canned/canned.service.js';
import { createMacro } from './macros.service.js';

/** Shared canned replies and macros of the demo, made by the service desk manager. */
export async function seedWorkspaceDemo(app: AppContext, manager: Actor) {
  const canned = (name: string, bodyRu: string, bodyEn: string) => createCanned(app, manager, { name, bodyRu, bodyEn, shared: true });
  const greeting = await canned(
    'Приветствие / Greeting',
    'Здравствуйте, {{requester.firstName}}!\n\nСпасибо за обращение {{ticket.number}}, мы уже занимаемся им.\n\n{{agent.name}}, служба поддержки',
    'Hello {{requester.firstName}},\n\nthank you for your request {{ticket.number}}; we are on it.\n\n{{agent.name}}, service desk',
  );
  const details = await canned(
    'Запросить подробности / Ask for details',
    '{{requester.firstName}}, чтобы решить обращение {{ticket.number}} быстрее, пришлите, пожалуйста, снимок экрана с ошибкой и точное время, когда она появилась.',
    '{{requester.firstName}}, to solve {{ticket.number}} sooner, please send a screenshot of the error and the exact time it appeared.',
  );
  const password = await canned(
    'Пароль сброшен / Password reset',
    '{{requester.firstName}}, пароль сброшен. Временный пароль придёт отдельным SMS; при первом входе система попросит сменить его.',
    '{{requester.firstName}}, your password has been reset. The temporary one comes in a separate SMS; you will be asked to change it at the first sign-in.',
  );
  await canned(
    'Решено, подтвердите / Solved, please confirm',
    '{{requester.firstName}}, мы решили обращение {{ticket.number}}. Если что-то не так, просто ответьте на это письмо.',
    '{{requester.firstName}}, we have solved {{ticket.number}}. If anything is still wrong, just reply to this message.',
  );
  const macro = (name: string, actions: Parameters<typeof createMacro>[2]['actions']) => createMacro(app, manager, { name, actions, shared: true });
  await macro('Взять в работу / Take it', [
    { type: 'assignee', assigneeId: 'me' },
    { type: 'status', status: 'open' },
    { type: 'reply', cannedReplyId: greeting },
  ]);
  await macro('Запросить подробности / Ask for details', [
    { type: 'reply', cannedReplyId: details },
    { type: 'status', status: 'pending_customer' },
    { type: 'tags', add: ['needs-info'] },
  ]);
  await macro('Пароль сброшен / Password reset done', [
    { type: 'reply', cannedReplyId: password },
    { type: 'time', minutes: 10, activity: 'remote', note: 'Password reset' },
    { type: 'tags', add: ['password'] },
    { type: 'status', status: 'resolved' },
  ]);
}
