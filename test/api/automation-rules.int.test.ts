import { beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/core/audit/audit.js';
import { useTestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';

const R = '/api/v1/automation/rules';

describe.each(DATABASES)('automation rules: CRUD, validation, access (%s)', (kind) => {
  const t = useTestApp(kind);
  let manager: Client, admin: Client, l1: Client, alice: Client, itA: Client;

  beforeAll(async () => {
    [manager, admin, l1, alice, itA] = (await Promise.all(
      ['manager@demo.test', 'admin@demo.test', 'l1@demo.test', 'alice@client-a.test', 'it@client-a.test'].map((e) => t.login(e)),
    )) as [Client, Client, Client, Client, Client];
  });

  const rule = { name: 'VPN to L2', events: ['ticket.created'], conditions: { all: [{ field: 'ticket.subject', op: 'contains', value: 'VPN' }] }, actions: [{ type: 'priority', priority: 'P2' }] };

  it('a manager creates, reads, lists, changes and deletes a rule; the audit log says who', async () => {
    const created = await manager.post(R, rule);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ name: 'VPN to L2', kind: 'event', enabled: true, organizationId: null, events: ['ticket.created'], lastError: null });
    const id = created.body.id;
    expect((await l1.get(`${R}/${id}`)).body.name).toBe('VPN to L2');
    const patched = await admin.patch(`${R}/${id}`, { enabled: false, position: 5 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ enabled: false, position: 5, actions: rule.actions });
    expect((await manager.get(R)).body.items.map((r: { id: string }) => r.id)).toContain(id);
    const [managerId, adminId] = [(await manager.get('/api/v1/me')).body.id, (await admin.get('/api/v1/me')).body.id];
    expect((await listAudit(t.td.app.db, 'automation_rule', id)).map((a) => [a.action, a.actorId])).toEqual([
      ['created', managerId],
      ['updated', adminId],
    ]);
    expect((await manager.delete(`${R}/${id}`)).status).toBe(200);
    expect((await manager.get(`${R}/${id}`)).status).toBe(404);
  });

  it('agents read but do not change rules; client-side people never see them', async () => {
    expect((await l1.post(R, rule)).status).toBe(403);
    expect((await l1.get(R)).status).toBe(200);
    for (const c of [alice, itA]) {
      expect((await c.get(R)).status).toBe(403);
      expect((await c.post(R, rule)).status).toBe(403);
    }
  });

  it('refuses bad rules with 400 naming the field', async () => {
    const bad = async (body: Record<string, unknown>, field: string) => {
      const r = await manager.post(R, { ...rule, ...body });
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(JSON.stringify(r.body)).toContain(field);
    };
    await bad({ events: [] }, 'events');
    await bad({ conditions: { all: [{ field: 'ticket.subject', op: 'matches', value: '(' }] } }, 'conditions.all.0.value');
    await bad({ conditions: { any: [{ field: 'ticket.subject', op: 'matches', value: 'x'.repeat(201) }] } }, 'conditions.any.0.value');
    await bad({ conditions: { all: [{ field: 'ticket.subject', op: 'matches', value: '(a+)+$' }] } }, 'conditions.all.0.value');
    await bad({ conditions: { all: [{ field: 'ticket.subject', op: 'changed' }] } }, 'conditions.all.0.field');
    await bad({ conditions: { all: [{ field: 'ticket.priority', op: 'in', value: 'P1' }] } }, 'conditions.all.0.value');
    await bad({ conditions: { none: [{ field: 'ticket.priority', op: 'in_business_hours' }] } }, 'conditions.none.0.field');
    await bad({ actions: [{ type: 'group', groupId: '00000000-0000-4000-8000-000000000000' }] }, 'actions.0.groupId');
    await bad({ actions: [{ type: 'assignee', assigneeId: 'me' }] }, 'actions.0.assigneeId');
    await bad({ actions: [{ type: 'webhook', webhookId: '00000000-0000-4000-8000-000000000000' }] }, 'actions.0.webhookId');
    await bad({ actions: [{ type: 'notify', to: 'requester', channel: 'email' }] }, 'actions.0.text');
    await bad({ actions: [{ type: 'notify', to: 'nobody', channel: 'email', text: 'x' }] }, 'actions');
    await bad({ organizationId: '00000000-0000-4000-8000-000000000000' }, 'organizationId');
    await bad({ kind: 'time', events: [] }, 'time');
    await bad({ name: '' }, 'name');
  });
});
