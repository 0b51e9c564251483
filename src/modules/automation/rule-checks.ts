import type { RuleAction } from '../../contracts/actions.js';
import { CHANGEABLE_FIELDS, MAX_PATTERN, type Condition, type ConditionGroup, type RuleInput } from '../../contracts/automation.js';
import { Invalid } from '../../core/errors.js';
import type { AppContext } from '../db.js';
import { assertPlaceholders, getCanned } from '../canned/index.js';
import { findGroup, findOrganization, findUserById, STAFF_ROLES, type Actor } from '../identity/index.js';
import { findPage } from '../kb/index.js';
import { findCategory } from '../tickets/index.js';
import { findWebhook } from '../webhooks/index.js';

/** Fields whose change an event can carry (`changed`, `changed_from`, `changed_to`). */
export const CHANGEABLE = new Set<string>(CHANGEABLE_FIELDS);
const TEXT_OPS = new Set(['contains', 'not_contains', 'matches']);
const LIST_OPS = new Set(['in', 'not_in']);

/** Compiles a `matches` pattern, or says what is wrong with it. */
export function compilePattern(value: unknown, field: string): RegExp {
  if (typeof value !== 'string' || !value) throw new Invalid('A pattern (text) is needed', field);
  if (value.length > MAX_PATTERN) throw new Invalid(`A pattern may be at most ${MAX_PATTERN} characters`, field);
  // Nested quantifiers like (a+)+ can take exponential time: refused outright.
  if (/\([^()]*[+*}][^()]*\)[+*{]/.test(value)) throw new Invalid('A pattern may not repeat a group that repeats itself', field);
  try {
    return new RegExp(value, 'iu');
  } catch {
    throw new Invalid('Not a valid regular expression', field);
  }
}

function checkCondition(c: Condition, field: string) {
  const value = `${field}.value`;
  const { op } = c;
  if (op === 'in_business_hours' || op === 'out_of_business_hours') {
    if (c.field !== 'event.time') throw new Invalid('Business hours are checked on event.time', `${field}.field`);
    return;
  }
  if (c.field === 'event.time') throw new Invalid('event.time takes in_business_hours or out_of_business_hours', `${field}.op`);
  if (op === 'changed') {
    if (!CHANGEABLE.has(c.field)) throw new Invalid(`A change of ${c.field} is not tracked`, `${field}.field`);
    return;
  }
  if (op === 'changed_from' || op === 'changed_to') {
    if (!CHANGEABLE.has(c.field)) throw new Invalid(`A change of ${c.field} is not tracked`, `${field}.field`);
  }
  if (op === 'matches') return void compilePattern(c.value, value);
  if (TEXT_OPS.has(op) && (typeof c.value !== 'string' || !c.value)) throw new Invalid('A text to look for is needed', value);
  if (LIST_OPS.has(op) && (!Array.isArray(c.value) || !c.value.length)) throw new Invalid('A list of values is needed', value);
  if ((op === 'gt' || op === 'lt') && typeof c.value !== 'number' && typeof c.value !== 'string') throw new Invalid('A number or a value to compare with is needed', value);
  if ((op === 'is' || op === 'is_not' || op === 'changed_from' || op === 'changed_to') && (c.value === undefined || Array.isArray(c.value)))
    throw new Invalid('One value is needed', value);
}

/** Checks every condition's field, operator and value (patterns compiled, lists given). */
export function checkConditions(group: ConditionGroup) {
  for (const part of ['all', 'any', 'none'] as const) for (const [i, c] of (group[part] ?? []).entries()) checkCondition(c, `conditions.${part}.${i}`);
}

/** The shape of a rule: event rules name events, time rules a time condition. */
export function checkShape(input: Pick<RuleInput, 'kind' | 'events' | 'time'>) {
  if ((input.kind ?? 'event') === 'event') {
    if (!input.events?.length) throw new Invalid('An event rule runs on at least one event', 'events');
    if (input.time) throw new Invalid('Only a time rule has a time condition', 'time');
  } else {
    if (!input.time) throw new Invalid('A time rule needs its time condition', 'time');
    if (input.events?.length) throw new Invalid('A time rule runs on its schedule, not on events', 'events');
  }
}

/**
 * Checks what the actions name, so that a rule fails when it is saved rather than when it runs:
 * shared canned replies, categories, groups, staff, knowledge base articles, webhooks; for a rule of
 * one organization, the people it notifies are staff or of that organization.
 */
export async function checkActions(app: AppContext, actor: Actor, actions: RuleAction[], organizationId: string | null) {
  for (const [i, a] of actions.entries()) {
    const field = `actions.${i}`;
    switch (a.type) {
      case 'reply':
        await checkCanned(app, actor, a.cannedReplyId, `${field}.cannedReplyId`);
        break;
      case 'note':
        assertPlaceholders(a.body, `${field}.body`);
        break;
      case 'category':
        if (a.categoryId && !(await findCategory(app.db, a.categoryId))) throw new Invalid('No such category', `${field}.categoryId`);
        break;
      case 'assignee':
        if (a.assigneeId === 'me') throw new Invalid('A rule has no "me": name the staff member', `${field}.assigneeId`);
        if (a.assigneeId && !(await isStaffMember(app, a.assigneeId))) throw new Invalid('No such staff member', `${field}.assigneeId`);
        break;
      case 'group':
        if (a.groupId && !(await findGroup(app.db, a.groupId))) throw new Invalid('No such group', `${field}.groupId`);
        break;
      case 'kb':
        if (!(await findPage(app.db, a.pageId))) throw new Invalid('No such article', `${field}.pageId`);
        break;
      case 'time':
        throw new Invalid('A rule logs no work time: use a timer action', `${field}.type`);
      case 'notify':
        if (!a.text === !a.cannedReplyId) throw new Invalid('Give either text or cannedReplyId', `${field}.text`);
        if (a.text) assertPlaceholders(a.text, `${field}.text`);
        if (a.cannedReplyId) await checkCanned(app, actor, a.cannedReplyId, `${field}.cannedReplyId`);
        if (!/^(requester|assignee|it_managers|group|role:.*)$/.test(a.to)) {
          const u = await findUserById(app.db, a.to);
          const allowed = u?.active && ((STAFF_ROLES as readonly string[]).includes(u.role) || (organizationId !== null && u.organization_id === organizationId));
          if (!allowed) throw new Invalid('No such person (staff, or of the rule’s organization)', `${field}.to`);
        }
        break;
      case 'webhook':
        if (!(await findWebhook(app.db, a.webhookId))) throw new Invalid('No such webhook', `${field}.webhookId`);
        break;
    }
  }
}

async function checkCanned(app: AppContext, actor: Actor, id: string, field: string) {
  const canned = await getCanned(app, actor, id).catch(() => undefined);
  if (!canned) throw new Invalid('No such canned reply', field);
  if (canned.owner_id !== null) throw new Invalid('A rule can only use a shared canned reply', field);
}

async function isStaffMember(app: AppContext, id: string) {
  const u = await findUserById(app.db, id);
  return !!u?.active && (STAFF_ROLES as readonly string[]).includes(u.role);
}

/** The organization a rule is for exists. */
export async function checkOrganization(app: AppContext, organizationId: string | null | undefined) {
  if (organizationId && !(await findOrganization(app.db, organizationId))) throw new Invalid('No such organization', 'organizationId');
}
