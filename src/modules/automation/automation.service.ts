import type { RuleAction } from '../../contracts/actions.js';
import type { z } from 'zod';
import type { TimeCondition, ConditionGroup, RuleEvent, RuleInput, RulePatch } from '../../contracts/automation.js';
import { recordAudit } from '../../core/audit/audit.js';
import { inTransaction } from '../../core/db/connect.js';
import { Forbidden, NotFound } from '../../core/errors.js';
import { newId } from '../../core/ids/ids.js';
import type { AppContext, Db } from '../db.js';
import { isManager, isStaff, type Actor } from '../identity/index.js';
import * as repo from './automation.repo.js';
import { forgetRules } from './rule-cache.js';
import { checkActions, checkConditions, checkOrganization, checkShape } from './rule-checks.js';

/** A rule as the service reads it: its JSON columns parsed. */
export interface Rule {
  row: repo.RuleRow;
  events: RuleEvent[];
  conditions: ConditionGroup;
  actions: RuleAction[];
  time: z.infer<typeof TimeCondition> | null;
}

export const parseRule = (row: repo.RuleRow): Rule => ({
  row,
  events: JSON.parse(row.events) as RuleEvent[],
  conditions: JSON.parse(row.conditions) as ConditionGroup,
  actions: JSON.parse(row.actions) as RuleAction[],
  time: row.time ? (JSON.parse(row.time) as Rule['time']) : null,
});

/** Staff read rules (agents too: the request page's dry run); client-side people never see them. */
export function assertMayRead(actor: Actor) {
  if (!isStaff(actor)) throw new Forbidden('Only the service desk staff see automation rules');
}

/** Managers and administrators change rules. */
function assertMayChange(actor: Actor) {
  if (!isManager(actor)) throw new Forbidden('Only a manager or an administrator changes automation rules');
}

export async function listRules(app: AppContext, actor: Actor, filter: { organizationId?: string; kind?: 'event' | 'time' }) {
  assertMayRead(actor);
  return (await repo.listRules(app.db, filter)).map(parseRule);
}

/** A rule the actor may read, or NotFound. */
export async function loadRule(db: Db, actor: Actor, id: string) {
  assertMayRead(actor);
  const row = await repo.findRule(db, id);
  if (!row) throw new NotFound('Rule');
  return parseRule(row);
}

async function check(app: AppContext, actor: Actor, input: Required<Pick<RuleInput, 'kind' | 'events' | 'conditions' | 'actions'>> & Pick<RuleInput, 'time' | 'organizationId'>) {
  checkShape(input);
  checkConditions(input.conditions);
  await checkOrganization(app, input.organizationId);
  await checkActions(app, actor, input.actions, input.organizationId ?? null);
}

export async function createRule(app: AppContext, actor: Actor, input: RuleInput) {
  assertMayChange(actor);
  const rule = { kind: input.kind ?? 'event', events: input.events ?? [], conditions: input.conditions ?? {}, actions: input.actions, time: input.time ?? null, organizationId: input.organizationId ?? null };
  await check(app, actor, rule);
  const now = app.clock.now().toISOString();
  const id = newId();
  await inTransaction(app.db, async (trx) => {
    await repo.insertRule(trx, {
      id,
      name: input.name,
      owner_id: actor.id,
      organization_id: rule.organizationId,
      enabled: input.enabled === false ? 0 : 1,
      position: input.position ?? (await repo.nextPosition(trx)),
      kind: rule.kind,
      events: JSON.stringify(rule.events),
      conditions: JSON.stringify(rule.conditions),
      time: rule.time ? JSON.stringify(rule.time) : null,
      actions: JSON.stringify(rule.actions),
      last_error: null,
      last_error_code: null,
      last_error_params: null,
      last_error_at: null,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(trx, { entityType: 'automation_rule', entityId: id, actorId: actor.id, action: 'created', after: { ...input } });
  });
  forgetRules(app);
  return id;
}

export async function updateRule(app: AppContext, actor: Actor, id: string, patch: RulePatch) {
  assertMayChange(actor);
  const old = await loadRule(app.db, actor, id);
  const next = {
    kind: patch.kind ?? old.row.kind,
    events: patch.events ?? old.events,
    conditions: patch.conditions ?? old.conditions,
    actions: patch.actions ?? old.actions,
    time: patch.time === undefined ? old.time : patch.time,
    organizationId: patch.organizationId === undefined ? old.row.organization_id : patch.organizationId,
  } as Parameters<typeof check>[2];
  // A rule turned from one kind into the other drops what only the old kind had.
  if (patch.kind === 'time' && !patch.events) next.events = [];
  if (patch.kind === 'event' && patch.time === undefined) next.time = null;
  await check(app, actor, next);
  await inTransaction(app.db, async (trx) => {
    await repo.updateRule(trx, id, {
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.enabled !== undefined && { enabled: patch.enabled ? 1 : 0 }),
      ...(patch.position !== undefined && { position: patch.position }),
      organization_id: next.organizationId ?? null,
      kind: next.kind,
      events: JSON.stringify(next.events),
      conditions: JSON.stringify(next.conditions),
      time: next.time ? JSON.stringify(next.time) : null,
      actions: JSON.stringify(next.actions),
      updated_at: app.clock.now().toISOString(),
    });
    await recordAudit(trx, {
      entityType: 'automation_rule',
      entityId: id,
      actorId: actor.id,
      action: 'updated',
      before: { name: old.row.name, enabled: !!old.row.enabled, position: old.row.position, organizationId: old.row.organization_id, events: old.events, conditions: old.conditions, actions: old.actions, time: old.time },
      after: { ...patch },
    });
  });
  forgetRules(app);
  return id;
}

export async function deleteRule(app: AppContext, actor: Actor, id: string) {
  assertMayChange(actor);
  const old = await loadRule(app.db, actor, id);
  await inTransaction(app.db, async (trx) => {
    await repo.deleteRule(trx, id);
    await recordAudit(trx, { entityType: 'automation_rule', entityId: id, actorId: actor.id, action: 'deleted', before: { name: old.row.name } });
  });
  forgetRules(app);
}

export async function listRuns(app: AppContext, actor: Actor, ruleId: string, limit = 50) {
  await loadRule(app.db, actor, ruleId);
  return repo.listRuns(app.db, ruleId, limit);
}
