import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { DATABASES } from '../support/databases.js';

describe.each(DATABASES)('kb smoke (%s)', (kind) => {
  const t = useTestApp(kind);
  it('works', async () => {
    const l2 = await t.login('l2@demo.test');
    const r = await l2.post('/api/v1/kb/pages', { title: 'Printer', body: 'Принтеры печатают пустые страницы. See [[VPN]].' });
    console.log(r.status, JSON.stringify(r.body));
    const s = await l2.get('/api/v1/kb/search?q=принтера');
    console.log(s.status, JSON.stringify(s.body));
    const u = await l2.put(`/api/v1/kb/pages/${r.body.id}`, { body: 'new', baseRevision: 1 });
    console.log(u.status, u.body.revision);
    const c = await l2.put(`/api/v1/kb/pages/${r.body.id}`, { body: 'newer', baseRevision: 1 });
    console.log(c.status, JSON.stringify(c.body));
    const sp = await l2.get('/api/v1/kb/spaces');
    console.log(JSON.stringify(sp.body));
    expect(r.status).toBe(201);
  });
});
