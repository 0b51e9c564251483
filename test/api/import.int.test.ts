import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';

let seq = 0;
const tag = () => `${++seq}-${Date.now()}`;

const upload = (data: string | Uint8Array, name: string) => {
  const form = new FormData();
  form.append('file', new Blob([typeof data === 'string' ? data : new Uint8Array(data)]), name);
  return form;
};
const send = (c: Client, kind: string, dryRun: boolean, form: FormData) => c.post(`/api/v1/import?kind=${kind}&dryRun=${dryRun}`, form);

async function xlsx(rows: (string | Date)[][]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Лист1');
  for (const r of rows) ws.addRow(r);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

describe.each(DATABASES)('import of the directory from CSV and XLSX (%s)', (kind) => {
  const t = useTestApp(kind);

  it('previews organizations from a CSV with English headers without saving, then imports them', async () => {
    const admin = await t.login('admin@demo.test');
    const n = tag();
    const csv = `Name,Plan,Domains,Contract start,Contract end\r\n"Acme ${n}, Ltd",optimized,acme-${n}.test,2026-01-01,2026-12-31\r\nClient A Logistics,extended,,,\r\n`;
    const preview = await send(admin, 'organizations', true, upload(csv, 'orgs.csv'));
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body).toMatchObject({ dryRun: true, imported: false, created: 1, updated: 1, errorCount: 0 });
    expect(preview.body.rows.map((r: any) => [r.row, r.action, r.values.name])).toEqual([
      [2, 'create', `Acme ${n}, Ltd`],
      [3, 'update', 'Client A Logistics'],
    ]);
    const names = async () => (await admin.get('/api/v1/organizations')).body.items.map((o: any) => o.name);
    expect(await names()).not.toContain(`Acme ${n}, Ltd`);

    const done = await send(admin, 'organizations', false, upload(csv, 'orgs.csv'));
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ imported: true, created: 1, updated: 1 });
    const orgs = (await admin.get('/api/v1/organizations')).body.items;
    const plans = (await admin.get('/api/v1/plans')).body.items;
    const acme = orgs.find((o: any) => o.name === `Acme ${n}, Ltd`);
    expect(acme).toMatchObject({ domains: [`acme-${n}.test`], contractStartsOn: '2026-01-01', contractEndsOn: '2026-12-31', planId: plans.find((p: any) => p.code === 'optimized').id });
    expect(orgs.find((o: any) => o.name === 'Client A Logistics').planId).toBe(plans.find((p: any) => p.code === 'extended').id);
  });

  it('imports people from an XLSX with Russian headers through the directory', async () => {
    const admin = await t.login('admin@demo.test');
    const n = tag();
    const file = await xlsx([
      ['Почта', 'ФИО', 'Роль', 'Организация', 'Линия', 'Телефон', 'Язык'],
      [`ivan-${n}@client-a.test`, 'Иван Петров', 'заявитель', 'Client A Logistics', '', '+7 916 123-45-67', 'русский'],
      [`agent-${n}@desk.test`, 'New Agent', 'agent', '', 'L2', '', 'en'],
    ]);
    const r = await send(admin, 'people', false, upload(file, 'people.xlsx'));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ imported: true, created: 2, updated: 0, errorCount: 0 });
    const people = (await admin.get('/api/v1/users?limit=500')).body.items;
    expect(people.find((p: any) => p.email === `ivan-${n}@client-a.test`)).toMatchObject({ name: 'Иван Петров', role: 'requester', locale: 'ru', phone: '+79161234567' });
    expect(people.find((p: any) => p.email === `agent-${n}@desk.test`)).toMatchObject({ role: 'agent', line: 'L2', organizationId: null });
  });

  it('reports a bad row with its number, column and a message in both languages, and imports nothing', async () => {
    const admin = await t.login('admin@demo.test');
    const n = tag();
    const csv = [
      'E-mail;Name;Role;Organization',
      `good-${n}@client-b.test;Good Person;requester;Client B Retail`,
      `bad-${n}@client-b.test;Bad Person;requester;No Such Company`,
    ].join('\n');
    const preview = await send(admin, 'people', true, upload(csv, 'people.csv'));
    expect(preview.status).toBe(200);
    expect(preview.body.rows[0]).toMatchObject({ row: 2, action: 'create', errors: [] });
    expect(preview.body.rows[1]).toMatchObject({
      row: 3,
      errors: [{ column: 'Organization', field: 'organization', code: 'unknown_organization', message: { en: expect.stringMatching(/organization/i), ru: expect.stringMatching(/организац/i) } }],
    });
    const refused = await send(admin, 'people', false, upload(csv, 'people.csv'));
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ imported: false, errorCount: 1 });
    const emails = (await admin.get('/api/v1/users?limit=500')).body.items.map((p: any) => p.email);
    expect(emails).not.toContain(`good-${n}@client-b.test`);
  });

  it('assigns plans and contract dates to organizations, refusing an unknown plan and a missing column', async () => {
    const admin = await t.login('admin@demo.test');
    const file = await xlsx([
      ['Организация', 'Тариф', 'Начало договора', 'Окончание договора'],
      ['Client C Clinic', 'Outstaffing', new Date(Date.UTC(2026, 2, 1)), '2027-02-28'],
    ]);
    const r = await send(admin, 'contracts', false, upload(file, 'contracts.xlsx'));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const org = (await admin.get('/api/v1/organizations')).body.items.find((o: any) => o.name === 'Client C Clinic');
    const plans = (await admin.get('/api/v1/plans')).body.items;
    expect(org).toMatchObject({ planId: plans.find((p: any) => p.code === 'outstaffing').id, contractStartsOn: '2026-03-01', contractEndsOn: '2027-02-28' });

    const bad = await send(admin, 'contracts', true, upload('Organization,Plan\nClient C Clinic,platinum\n', 'c.csv'));
    expect(bad.body.rows[0].errors).toMatchObject([{ column: 'Plan', code: 'unknown_plan' }]);
    const noColumn = await send(admin, 'contracts', true, upload('Organization,Colour\nClient C Clinic,red\n', 'c.csv'));
    expect(noColumn.body.headerErrors.map((e: any) => [e.column, e.code])).toEqual([
      ['Colour', 'unknown_column'],
      ['plan', 'missing_column'],
    ]);
  });

  it('reports a domain of another organization and a name repeated in the file', async () => {
    const admin = await t.login('admin@demo.test');
    const n = tag();
    const csv = `Название;Домены\nNew ${n};client-b.test\nTwice ${n};\ntwice ${n};\n`;
    const r = await send(admin, 'organizations', false, upload(csv, 'orgs.csv'));
    expect(r.status).toBe(422);
    expect(r.body.rows.map((x: any) => [x.row, x.errors.map((e: any) => [e.column, e.code, e.detail])])).toEqual([
      [2, [['Домены', 'domain_taken', 'client-b.test']]],
      [3, []],
      [4, [['Название', 'duplicate_in_file', undefined]]],
    ]);
    const names = (await admin.get('/api/v1/organizations')).body.items.map((o: any) => o.name);
    expect(names).not.toContain(`Twice ${n}`);
  });

  it('refuses a wrong file type with a 400 naming the problem', async () => {
    const admin = await t.login('admin@demo.test');
    const pdf = await send(admin, 'people', true, upload('%PDF-1.4 ...', 'people.pdf'));
    expect(pdf.status).toBe(400);
    expect(pdf.body.message).toMatch(/\.csv or \.xlsx.*\.pdf/);
    expect(pdf.body.details).toEqual([expect.objectContaining({ path: 'file' })]);
    const fake = await send(admin, 'people', true, upload('email,name\n', 'people.xlsx'));
    expect(fake.status).toBe(400);
    expect(fake.body.message).toMatch(/not an XLSX/);
    const badKind = await send(admin, 'tickets', true, upload('a\n', 'x.csv'));
    expect(badKind.status).toBe(400);
  });

  it('refuses anyone but an administrator, including another organization’s people', async () => {
    for (const email of ['manager@demo.test', 'l1@demo.test', 'alice@client-a.test']) {
      const c = await t.login(email);
      const r = await send(c, 'organizations', false, upload(`Name\nSneaky ${tag()}\n`, 'o.csv'));
      expect(r.status, email).toBe(403);
    }
    const admin = await t.login('admin@demo.test');
    const names = (await admin.get('/api/v1/organizations')).body.items.map((o: any) => o.name);
    expect(names.some((n: string) => n.startsWith('Sneaky'))).toBe(false);
  });
});
