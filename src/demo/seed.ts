import { newId } from '../core/ids/ids.js';
import type { AppContext } from '../modules/db.js';
import * as directory from '../modules/identity/directory.service.js';
import * as identityRepo from '../modules/identity/identity.repo.js';
import { toActor } from '../modules/identity/auth.service.js';
import { hashPassword, SYSTEM_USER_ID, type Actor } from '../modules/identity/index.js';
import { createCalendar } from '../modules/sla/calendars.service.js';
import { setPlanSla } from '../modules/sla/policies.service.js';
import { createCategory } from '../modules/tickets/relations.service.js';
import { createTicket, updateTicket } from '../modules/tickets/tickets.service.js';
import { addComment } from '../modules/tickets/timeline.service.js';
import type { Level, Status, TicketType } from '../modules/tickets/tickets.tables.js';
import { withoutNotifications } from '../modules/notifications/index.js';
import { seedDemoMailboxes } from '../modules/channels/email/index.js';
import { seedDemoCalls } from '../modules/channels/phone/index.js';
import { seedKnowledgeBase } from '../modules/kb/kb.demo.js';
import { seedDemoProblems } from '../modules/problems/problems.demo.js';
import { setRoster } from '../modules/reports/roster.service.js';
import { createEntry } from '../modules/timetracking/work-entries.service.js';
import { seedWorkspaceDemo } from '../modules/macros/macros.demo.js';
import { seedDemoCatalog } from './catalog.js';
import { seedDemoAutomation } from '../modules/automation/automation.demo.js';

export const DEMO_PASSWORD = 'tierdesk-demo';

/** Russian public holidays (non-working days) of 2026 and 2027, as the production calendar gives them. */
const RU_HOLIDAYS = [
  '2026-01-01', '2026-01-02', '2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09',
  '2026-02-23', '2026-03-09', '2026-05-01', '2026-05-11', '2026-06-12', '2026-11-04', '2026-12-31',
  '2027-01-01', '2027-01-04', '2027-01-05', '2027-01-06', '2027-01-07', '2027-01-08', '2027-02-23',
  '2027-03-08', '2027-05-03', '2027-05-10', '2027-06-14', '2027-11-04', '2027-12-31',
];

/** The fixed demo logins, printed at start and relied on by tests. */
export const DEMO_LOGINS = [
  ['admin@demo.test', 'administrator'],
  ['manager@demo.test', 'service desk manager'],
  ['l1@demo.test', 'L1 help desk specialist'],
  ['l1-en@demo.test', 'L1 specialist, English-speaking'],
  ['l2@demo.test', 'L2 engineer'],
  ['l3@demo.test', 'L3 leading specialist'],
  ['alice@client-a.test', 'requester, Client A'],
  ['it@client-a.test', 'IT manager, Client A'],
  ['bob@client-b.test', 'requester, Client B'],
  ['it@client-b.test', 'IT manager, Client B'],
  ['carol@client-c.test', 'requester, Client C'],
] as const;

/** True when the database has no people yet (a fresh install). */
export async function isEmpty(app: AppContext) {
  return !(await app.db.selectFrom('users').select('id').where('id', '!=', SYSTEM_USER_ID).limit(1).executeTakeFirst());
}

/**
 * Loads the demo provider: plans, three client companies, staff on every line, a category tree
 * and a few dozen requests in various states. Refuses to run on a database that has people.
 * The requests are history: nobody is notified of them.
 */
export const seedDemo = (app: AppContext) => withoutNotifications(() => loadDemo(app));

async function loadDemo(app: AppContext) {
  if (!(await isEmpty(app))) throw new Error('The database already has data; the demo set is only loaded into an empty one');
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const now = new Date().toISOString();
  const person = async (p: directory.PersonInput) => {
    const id = newId();
    await identityRepo.insertUser(app.db, {
      id,
      email: p.email,
      name: p.name,
      password_hash: passwordHash,
      role: p.role,
      organization_id: p.organizationId ?? null,
      line: p.line ?? null,
      languages: JSON.stringify(p.languages ?? ['ru', 'en']),
      skills: JSON.stringify(p.skills ?? []),
      locale: p.locale ?? 'ru',
      time_zone: p.timeZone ?? 'Europe/Moscow',
      phone: p.phone ?? null,
      availability: p.role === 'agent' ? 'available' : 'offline',
      active: 1,
      failed_logins: 0,
      created_at: now,
      updated_at: now,
    });
    return toActor((await identityRepo.findUserById(app.db, id))!);
  };

  const admin = await person({ email: 'admin@demo.test', name: 'Anna Admin', role: 'admin' });
  const manager = await person({ email: 'manager@demo.test', name: 'Mikhail Manager', role: 'manager' });
  const l1 = await person({ email: 'l1@demo.test', name: 'Lena L1', role: 'agent', line: 'L1', skills: ['workplace', 'printers'] });
  const l1en = await person({ email: 'l1-en@demo.test', name: 'Liam L1', role: 'agent', line: 'L1', languages: ['en'], locale: 'en', timeZone: 'Europe/London' });
  const l2 = await person({ email: 'l2@demo.test', name: 'Egor L2', role: 'agent', line: 'L2', skills: ['network', 'servers'] });
  const l3 = await person({ email: 'l3@demo.test', name: 'Olga L3', role: 'agent', line: 'L3', skills: ['active directory', '1c'] });

  const plans: Record<string, string> = {};
  for (const p of [
    { code: 'minimized', name: 'Minimized', coverage: 'business_hours', includedHours: 10, channels: ['web', 'email'], description: 'Working days, core channels, a small monthly allowance.' },
    { code: 'optimized', name: 'Optimized', coverage: 'business_hours', includedHours: 40, channels: ['web', 'email', 'phone'], description: 'Working days, phone support, system administration hours.' },
    { code: 'extended', name: 'Extended', coverage: 'extended_hours', includedHours: 80, channels: ['web', 'email', 'sms', 'phone'], description: 'Evenings and weekends covered, every channel.' },
    { code: 'outstaffing', name: 'Outstaffing', coverage: 'round_the_clock', includedHours: 168, channels: ['web', 'email', 'sms', 'phone', 'api'], description: 'A dedicated engineer and round-the-clock cover.' },
  ] as const)
    plans[p.code] = (await directory.createPlan(app, admin, { ...p, channels: [...p.channels] })).id;

  // Calendars: Moscow working days with a lunch break and the 2026–2027 public holidays; an
  // extended calendar for evening and weekend support; plans on these, Outstaffing round the clock.
  const day: [string, string][] = [['09:00', '13:00'], ['14:00', '18:00']];
  const business = await createCalendar(app, admin, {
    name: 'Moscow working days',
    timeZone: 'Europe/Moscow',
    week: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: [], sun: [] },
    holidays: [...RU_HOLIDAYS],
    workingDays: [],
    specialDays: { '2026-12-31': [['09:00', '13:00'], ['14:00', '17:00']] },
  });
  const longDay: [string, string][] = [['08:00', '22:00']];
  const extended = await createCalendar(app, admin, {
    name: 'Moscow extended hours',
    timeZone: 'Europe/Moscow',
    week: { mon: longDay, tue: longDay, wed: longDay, thu: longDay, fri: longDay, sat: longDay, sun: longDay },
    holidays: [],
    workingDays: [],
    specialDays: {},
  });
  const targets = (fr: number[], res: number[], l1: number, l2: number[]) =>
    (['P1', 'P2', 'P3', 'P4'] as const).map((priority, i) => ({
      priority,
      firstResponseMinutes: fr[i]!,
      resolutionMinutes: res[i]!,
      l1BudgetMinutes: l1,
      l2BudgetMinutes: l2[i]!,
    }));
  await setPlanSla(app, admin, plans.minimized!, { calendarId: business.id, extendedCalendarId: extended.id, pauseOnVendor: true, policies: targets([30, 60, 240, 480], [480, 960, 2400, 4800], 20, [120, 240, 480, 960]) });
  await setPlanSla(app, admin, plans.optimized!, { calendarId: business.id, extendedCalendarId: extended.id, pauseOnVendor: true, policies: targets([15, 30, 120, 240], [240, 480, 1440, 2880], 15, [60, 120, 240, 480]) });
  await setPlanSla(app, admin, plans.extended!, { calendarId: extended.id, pauseOnVendor: true, policies: targets([15, 30, 60, 120], [240, 480, 960, 1920], 15, [60, 120, 240, 480]) });
  await setPlanSla(app, admin, plans.outstaffing!, { calendarId: null, pauseOnVendor: false, policies: targets([10, 15, 30, 60], [120, 240, 480, 960], 15, [45, 90, 180, 360]) });

  const orgA = await directory.createOrganization(app, admin, { name: 'Client A Logistics', planId: plans.optimized, domains: ['client-a.test'], contractStartsOn: '2026-01-01', contractOptions: ['system_administration'] });
  const orgB = await directory.createOrganization(app, admin, { name: 'Client B Retail', planId: plans.extended, domains: ['client-b.test'], contractStartsOn: '2026-03-01', contractOptions: ['english_speaking_expert'] });
  const orgC = await directory.createOrganization(app, admin, { name: 'Client C Clinic', planId: plans.minimized, domains: ['client-c.test'], contractStartsOn: '2026-06-01' });

  const alice = await person({ email: 'alice@client-a.test', name: 'Alice Petrova', role: 'requester', organizationId: orgA.id, phone: '+79161110001' });
  const dmitry = await person({ email: 'dmitry@client-a.test', name: 'Dmitry Sokolov', role: 'requester', organizationId: orgA.id });
  await person({ email: 'it@client-a.test', name: 'Igor Ivanov (IT, Client A)', role: 'client_manager', organizationId: orgA.id, phone: '+79161110002' });
  const bob = await person({ email: 'bob@client-b.test', name: 'Bob Smith', role: 'requester', organizationId: orgB.id, locale: 'en', languages: ['en'], timeZone: 'Europe/London', phone: '+447911123456' });
  await person({ email: 'it@client-b.test', name: 'Irene Hall (IT, Client B)', role: 'client_manager', organizationId: orgB.id, locale: 'en', languages: ['en'] });
  const carol = await person({ email: 'carol@client-c.test', name: 'Carol Orlova', role: 'requester', organizationId: orgC.id, phone: '+79161110003' });
  await person({ email: 'it@client-c.test', name: 'Ivan Kuznetsov (IT, Client C)', role: 'client_manager', organizationId: orgC.id });

  // Walk-in senders: people who write to the desk from a domain of no client (a home address, a
  // prospective client) become requesters here, on the smallest plan.
  const walkIn = await directory.createOrganization(app, admin, { name: 'Walk-in senders', planId: plans.minimized, contractStartsOn: '2026-01-01' });
  // The desk address: mail to support@desk.test is routed by its sender (client A on client-a.test,
  // B on client-b.test, anyone else to the walk-in senders).
  await seedDemoMailboxes(app, admin, walkIn.id);
  await directory.createGroup(app, manager, { name: 'Service Desk L1', memberIds: [l1.id, l1en.id] });
  await directory.createGroup(app, manager, { name: 'Engineers L2', memberIds: [l2.id] });
  await directory.createGroup(app, manager, { name: 'Leading specialists L3', memberIds: [l3.id] });

  const cat = async (name: string, nameRu: string, difficulty: number, parentId?: string) =>
    (await createCategory(app, admin, { name, nameRu, difficulty, parentId: parentId ?? null })).id;
  const workplace = await cat('Workplace', 'Рабочее место', 1);
  const categories = {
    printer: await cat('Printer', 'Принтер', 1, workplace),
    password: await cat('Password reset', 'Сброс пароля', 1, workplace),
    mail: await cat('E-mail client', 'Почтовый клиент', 1, workplace),
    vpn: await cat('VPN', 'VPN', 2, await cat('Network', 'Сеть', 2)),
    ad: await cat('Active Directory', 'Active Directory', 3, await cat('Servers', 'Серверы', 3)),
    erp: await cat('1C:Enterprise', '1С:Предприятие', 3, await cat('Business applications', 'Бизнес-приложения', 3)),
  };

  type Story = [Actor, string, string, keyof typeof categories, TicketType, Level, Status, Actor | null, 'L1' | 'L2' | 'L3'];
  const stories: Story[] = [
    [alice, 'Printer on the 2nd floor prints blank pages', 'Since this morning the HP printer near reception prints blank pages.', 'printer', 'incident', 'medium', 'new', null, 'L1'],
    [alice, 'Не могу войти в почту', 'Outlook просит пароль и не принимает его.', 'password', 'incident', 'high', 'open', l1, 'L1'],
    [dmitry, 'VPN disconnects every 10 minutes', 'Working from home, the VPN drops every 10 minutes.', 'vpn', 'incident', 'medium', 'open', l2, 'L2'],
    [dmitry, 'New employee account for Maria', 'Please create an account and mailbox for Maria Volkova from Monday.', 'password', 'service_request', 'low', 'pending_customer', l1, 'L1'],
    [bob, 'Cash register cannot reach the ERP', 'The till in store 4 shows a connection error to 1C.', 'erp', 'incident', 'high', 'open', l3, 'L3'],
    [bob, 'Install the new label printer', 'We bought a Zebra label printer for the warehouse.', 'printer', 'service_request', 'low', 'resolved', l1en, 'L1'],
    [carol, 'Сбросить пароль к учётной записи', 'Забыла пароль после отпуска.', 'password', 'service_request', 'medium', 'closed', l1, 'L1'],
    [carol, 'Mail client shows an old calendar', 'Thunderbird shows last week on the calendar.', 'mail', 'incident', 'low', 'pending_vendor', l2, 'L2'],
  ];
  const statuses: Status[] = ['new', 'open', 'pending_customer', 'resolved', 'closed'];
  for (let i = 0; i < 36; i++) {
    const base = stories[i % stories.length]!;
    const [requester, subject, description, category, type, urgency, storyStatus, assignee, line] = base;
    const status = i < stories.length ? storyStatus : statuses[i % statuses.length]!;
    const id = await createTicket(app, requester, {
      subject: i < stories.length ? subject : `${subject} (#${i + 1})`,
      description,
      type,
      urgency,
      categoryId: categories[category],
    });
    if (status === 'new') continue;
    const agent = assignee ?? l1;
    await updateTicket(app, agent, id, { assigneeId: agent.id, status: 'open' });
    await addComment(app, agent, id, { body: agent.locale === 'en' ? 'We are looking into it.' : 'Мы занимаемся вашим обращением.', internal: false });
    await addComment(app, agent, id, { body: 'Checked the knowledge base; see the related article.', internal: true });
    if (line !== 'L1') await updateTicket(app, l1, id, { line, assigneeId: agent.id, reason: 'Needs an engineer' });
    if (status !== 'open') await updateTicket(app, agent, id, { status: status === 'closed' ? 'resolved' : status });
    if (status === 'closed') await updateTicket(app, agent, id, { status: 'closed' });
    // Work on it, so that reports and contract hours show numbers: 15 to 60 minutes by its agent, just done.
    const startedAt = new Date(app.clock.now().getTime() - (90 + i) * 60_000).toISOString();
    await createEntry(app, agent, id, { startedAt, minutes: 15 + (i % 4) * 15, activity: i % 3 === 0 ? 'call' : 'remote', billable: i % 5 !== 0 });
  }
  await seedKnowledgeBase(app, { manager, author: l2, organizationId: orgA.id });
  await seedDemoProblems(app, l2);
  await seedWorkspaceDemo(app, manager);
  await seedDemoCalls(app, admin);
  await seedDemoCatalog(app, { admin, requester: alice, planIds: Object.values(plans), categories });
  // Shifts, so that the staffing forecast and the manager's workload have hours on shift to count:
  // the Moscow working day for the Moscow staff, office hours in London for Liam.
  const weekdays = (d: [string, string][]) => ({ mon: d, tue: d, wed: d, thu: d, fri: d });
  for (const agent of [l1, l2, l3]) await setRoster(app, manager, agent.id, weekdays(day));
  await setRoster(app, manager, l1en.id, weekdays([['09:00', '17:00']]));
  await seedDemoAutomation(app, manager);
  return { admin, manager, organizations: [orgA, orgB, orgC] };
}
