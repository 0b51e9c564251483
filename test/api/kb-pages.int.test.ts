import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { harmfulParts, XSS_PAYLOADS } from '../../src/modules/kb/xss-payloads.js';
import { useTestApp, type TestApp } from '../support/app.js';
import type { Client } from '../support/client.js';
import { DATABASES } from '../support/databases.js';

const P = '/api/v1/kb/pages';
const S = '/api/v1/kb/spaces';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x01]);
const unique = (s: string) => `${s} ${randomUUID().slice(0, 8)}`;

function filesForm(...files: { name: string; type: string; data: Buffer | string }[]) {
  const form = new FormData();
  for (const f of files) form.append('file', new Blob([typeof f.data === 'string' ? f.data : new Uint8Array(f.data)], { type: f.type }), f.name);
  return form;
}

async function download(t: TestApp, c: Client, url: string) {
  const res = await fetch(t.base + url, { headers: c.cookie ? { cookie: c.cookie } : {} });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

describe.each(DATABASES)('knowledge base pages (%s)', (kind) => {
  const t = useTestApp(kind, { KB_IMAGE_HOSTS: 'img.example.com' });
  let l1: Client, l2: Client, manager: Client, alice: Client, bob: Client;
  let helpSpace: string, clientASpace: string;

  beforeAll(async () => {
    l1 = await t.login('l1@demo.test');
    l2 = await t.login('l2@demo.test');
    manager = await t.login('manager@demo.test');
    alice = await t.login('alice@client-a.test');
    bob = await t.login('bob@client-b.test');
    const spaces = (await l2.get(S)).body.items as any[];
    helpSpace = spaces.find((s) => s.key === 'help').id;
    clientASpace = spaces.find((s) => s.key === 'client-a').id;
  });

  const create = async (c: Client, body: object) => {
    const r = await c.post(P, body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };
  const save = async (c: Client, id: string, body: object) => {
    const r = await c.put(`${P}/${id}`, body);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  };

  describe('pages and revisions', () => {
    it('POST /kb/pages makes a page in the internal space, with id and revision 1', async () => {
      const title = unique('Reset the print spooler');
      const r = await l2.post(P, { title, body: '## Steps\n\n1. Stop the **spooler**.\n2. Start it.' });
      expect(r.status).toBe(201);
      expect(r.headers.get('location')).toBe(`${P}/${r.body.id}`);
      expect(r.body).toMatchObject({ id: expect.any(String), revision: 1, title, locale: 'en', space: { key: 'internal', visibility: 'internal' } });
      expect(r.body.html).toContain('<h2>Steps</h2>');
      expect(r.body.html).toContain('<strong>spooler</strong>');
      const got = await l1.get(`${P}/${r.body.id}`);
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({ id: r.body.id, revision: 1, body: '## Steps\n\n1. Stop the **spooler**.\n2. Start it.' });
    });

    it('PUT with the current baseRevision saves a new revision; the history lists author, time and summary', async () => {
      const page = await create(l2, { title: unique('Map a network drive'), body: 'Version one.', summary: 'First draft' });
      const v2 = await save(l1, page.id, { body: 'Version two.', baseRevision: 1, summary: 'Clearer' });
      expect(v2).toMatchObject({ revision: 2, body: 'Version two.' });
      const v3 = await save(l2, page.id, { body: 'Version three.', baseRevision: 2 });
      expect(v3.revision).toBe(3);
      const history = await l2.get(`${P}/${page.id}/revisions`);
      expect(history.status).toBe(200);
      expect(history.body.items.map((r: any) => [r.number, r.kind, r.summary, r.author.name])).toEqual([
        [3, 'edited', '', 'Egor L2'],
        [2, 'edited', 'Clearer', 'Lena L1'],
        [1, 'created', 'First draft', 'Egor L2'],
      ]);
      for (const r of history.body.items) expect(Date.parse(r.createdAt)).not.toBeNaN();
      const one = await l2.get(`${P}/${page.id}/revisions/1`);
      expect(one.body).toMatchObject({ number: 1, body: 'Version one.', title: page.title });
      expect((await l2.get(`${P}/${page.id}/revisions/9`)).status).toBe(404);
    });

    it('a save on a stale base is refused with 409 and what changed since; nothing is overwritten', async () => {
      const page = await create(l2, { title: unique('Outlook profile'), body: 'Line one\nLine two\n' });
      await save(l2, page.id, { body: 'Line one\nLine two changed\n', baseRevision: 1, summary: 'Fixed step two' });
      const stale = await l1.put(`${P}/${page.id}`, { body: 'My edit from the old text\n', baseRevision: 1 });
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({
        error: 'revision_conflict',
        details: {
          baseRevision: 1,
          currentRevision: 2,
          body: 'Line one\nLine two changed\n',
          changes: [{ number: 2, summary: 'Fixed step two', author: { name: 'Egor L2' } }],
          diff: { from: 1, to: 2, added: 1, removed: 1 },
        },
      });
      expect(stale.body.details.diff.unified).toContain('+Line two changed');
      const now = await l2.get(`${P}/${page.id}`);
      expect(now.body).toMatchObject({ revision: 2, body: 'Line one\nLine two changed\n' });
      // A base from the future is no base either.
      expect((await l1.put(`${P}/${page.id}`, { body: 'x', baseRevision: 7 })).status).toBe(409);
    });

    it('two people saving the same base at once: one is saved, the other gets 409', async () => {
      const page = await create(l2, { title: unique('Two editors'), body: 'Start' });
      const [a, b] = await Promise.all([l1.put(`${P}/${page.id}`, { body: 'From L1', baseRevision: 1 }), l2.put(`${P}/${page.id}`, { body: 'From L2', baseRevision: 1 })]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const winner = a.status === 200 ? 'From L1' : 'From L2';
      const now = await l2.get(`${P}/${page.id}`);
      expect(now.body).toMatchObject({ revision: 2, body: winner });
      expect((await l2.get(`${P}/${page.id}/revisions`)).body.items).toHaveLength(2);
    });

    it('diffs any two revisions and reverts to one as a new revision', async () => {
      const page = await create(l2, { title: unique('Diffed page'), body: 'a\nb\nc\n' });
      await save(l2, page.id, { body: 'a\nB\nc\n', baseRevision: 1 });
      await save(l2, page.id, { body: 'a\nB\nc\nd\n', baseRevision: 2, title: `${page.title} (renamed)` });
      const diff = await l2.get(`${P}/${page.id}/diff?from=1&to=3`);
      expect(diff.status).toBe(200);
      expect(diff.body).toMatchObject({ from: 1, to: 3, added: 2, removed: 1, title: { from: page.title, to: `${page.title} (renamed)`, changed: true } });
      expect(diff.body.parts).toEqual([
        { type: 'unchanged', lines: ['a'] },
        { type: 'removed', lines: ['b'] },
        { type: 'added', lines: ['B'] },
        { type: 'unchanged', lines: ['c'] },
        { type: 'added', lines: ['d'] },
      ]);
      expect(diff.body.unified).toContain('-b\n+B');
      const backwards = await l2.get(`${P}/${page.id}/diff?from=3&to=1`);
      expect(backwards.body).toMatchObject({ added: 1, removed: 2 });

      const reverted = await l2.post(`${P}/${page.id}/revert`, { revision: 1, baseRevision: 3 });
      expect(reverted.status).toBe(200);
      expect(reverted.body).toMatchObject({ revision: 4, body: 'a\nb\nc\n', title: page.title });
      const [latest] = (await l2.get(`${P}/${page.id}/revisions`)).body.items;
      expect(latest).toMatchObject({ number: 4, kind: 'reverted', restoredFrom: 1 });
      // Reverting on a stale base is a conflict like any save.
      expect((await l2.post(`${P}/${page.id}/revert`, { revision: 2, baseRevision: 3 })).status).toBe(409);
      expect((await l2.post(`${P}/${page.id}/revert`, { revision: 99 })).body).toMatchObject({ statusCode: 400, details: [{ path: 'revision' }] });
    });

    it('a save that changes nothing makes no revision', async () => {
      const page = await create(l2, { title: unique('Unchanged'), body: 'Same' });
      expect(await save(l2, page.id, { body: 'Same', baseRevision: 1 })).toMatchObject({ revision: 1 });
    });
  });

  describe('links between pages', () => {
    it('resolves [[links]], lists wanted pages until they exist, and backlinks', async () => {
      const target = unique('Proxy settings');
      const source = await create(l2, { title: unique('Browser troubleshooting'), body: `Check [[${target}]] and [[${target.toUpperCase()}|the proxy]].` });
      expect(source.html).toContain(`<a class="wikilink wanted" href="/kb/new?space=${source.space.id}&amp;title=`);
      let wanted = (await l2.get(`${S}/${source.space.id}/wanted`)).body.items;
      expect(wanted.find((w: any) => w.title === target)).toEqual({ title: target, linkedFrom: [expect.objectContaining({ id: source.id, title: source.title })] });

      const created = await create(l2, { title: target, body: 'Use the PAC file.' });
      const view = (await l2.get(`${P}/${source.id}`)).body;
      expect(view.html).toContain(`<a class="wikilink" href="/kb/${created.id}" rel="noopener noreferrer nofollow">${target}</a>`);
      expect(view.html).toContain(`href="/kb/${created.id}" rel="noopener noreferrer nofollow">the proxy</a>`);
      wanted = (await l2.get(`${S}/${source.space.id}/wanted`)).body.items;
      expect(wanted.map((w: any) => w.title)).not.toContain(target);
      const back = await l2.get(`${P}/${created.id}/backlinks`);
      expect(back.body.items).toEqual([{ id: source.id, title: source.title, spaceId: source.space.id, locale: 'en' }]);
    });

    it('renaming a page keeps the links to it working, shown with the new title', async () => {
      const target = await create(l2, { title: unique('Old name'), body: 'Target' });
      const source = await create(l2, { title: unique('Links to old name'), body: `See [[${target.title}]].` });
      const renamed = await save(l2, target.id, { title: unique('New name'), baseRevision: 1 });
      const view = (await l2.get(`${P}/${source.id}`)).body;
      expect(view.html).toContain(`<a class="wikilink" href="/kb/${target.id}" rel="noopener noreferrer nofollow">${renamed.title}</a>`);
      expect((await l2.get(`${P}/${target.id}/backlinks`)).body.items.map((p: any) => p.id)).toEqual([source.id]);
      // Editing the source keeps the link on the renamed page even though its text says the old title.
      await save(l2, source.id, { body: `See [[${target.title}]] again.`, baseRevision: 1 });
      expect((await l2.get(`${P}/${source.id}`)).body.html).toContain(`href="/kb/${target.id}"`);
      // A new page with the old title does not steal the existing link.
      await create(l2, { title: target.title, body: 'Another page with the old title' });
      expect((await l2.get(`${P}/${source.id}`)).body.html).toContain(`href="/kb/${target.id}"`);
    });

    it('deleting a page turns the links to it into wanted links', async () => {
      const target = await create(l2, { title: unique('Short-lived'), body: 'Soon gone' });
      const source = await create(l2, { title: unique('Points at short-lived'), body: `[[${target.title}]]` });
      expect((await l1.delete(`${P}/${target.id}`)).status).toBe(403); // neither owner nor manager
      expect((await l2.delete(`${P}/${target.id}`)).status).toBe(200);
      expect((await l2.get(`${P}/${target.id}`)).status).toBe(404);
      expect((await l2.get(`${P}/${source.id}`)).body.html).toContain('wikilink wanted');
      expect((await l2.get(`${S}/${source.space.id}/wanted`)).body.items.map((w: any) => w.title)).toContain(target.title);
    });

    it('links into another space by its key; a client sees a link to an internal page as plain text', async () => {
      const internal = await create(l2, { title: unique('Internal runbook'), body: 'Staff only' });
      const publicPage = await create(l2, { title: unique('Public how-to'), spaceId: helpSpace, body: `Staff: [[internal:${internal.title}]]. Also [[Printing problems]].` });
      const staffView = (await l2.get(`${P}/${publicPage.id}`)).body.html;
      expect(staffView).toContain(`href="/kb/${internal.id}"`);
      const clientView = (await alice.get(`${P}/${publicPage.id}`)).body;
      expect(clientView.html).not.toContain(internal.id);
      expect(clientView.html).toContain(`<span class="wikilink">${internal.title}</span>`);
      expect(clientView.html).toMatch(/href="\/kb\/[^"]+" rel="noopener noreferrer nofollow">Printing problems<\/a>/);
      expect(clientView).not.toHaveProperty('body');
      expect(clientView).not.toHaveProperty('owner');
      expect((await alice.get(`${P}/${internal.id}/backlinks`)).status).toBe(404);
      expect((await l2.get(`${P}/${internal.id}/backlinks`)).body.items.map((p: any) => p.id)).toEqual([publicPage.id]);
    });

    it('titles are unique within a space, in any case; the same title may live in another space', async () => {
      const title = unique('Unique Title');
      const first = await create(l2, { title, body: 'x' });
      const again = await l2.post(P, { title: `  ${title.toUpperCase()} `, body: 'y' });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ error: 'title_taken', details: { pageId: first.id } });
      await create(l2, { title, body: 'elsewhere', spaceId: helpSpace });
      const other = await create(l2, { title: unique('Other'), body: 'z' });
      expect((await l2.put(`${P}/${other.id}`, { title, baseRevision: 1 })).body.error).toBe('title_taken');
    });
  });

  describe('structure', () => {
    it('pages sit below others: breadcrumbs, and never below themselves', async () => {
      const top = await create(l2, { title: unique('Network'), body: 'x' });
      const mid = await create(l2, { title: unique('VPN'), body: 'x', parentId: top.id });
      const leaf = await create(l2, { title: unique('VPN on macOS'), body: 'x', parentId: mid.id });
      expect(leaf.breadcrumbs).toEqual([{ id: top.id, title: top.title }, { id: mid.id, title: mid.title }]);
      const cycle = await l2.put(`${P}/${top.id}`, { baseRevision: 1, parentId: leaf.id });
      expect(cycle.status).toBe(400);
      expect(cycle.body.details).toEqual([expect.objectContaining({ path: 'parentId' })]);
      const elsewhere = await l2.post(P, { title: unique('Wrong space child'), body: 'x', parentId: top.id, spaceId: helpSpace });
      expect(elsewhere.body).toMatchObject({ statusCode: 400, details: [{ path: 'parentId' }] });
      expect((await l2.delete(`${P}/${mid.id}`)).body.error).toBe('has_children');
      const moved = await save(l2, leaf.id, { baseRevision: 1, parentId: null });
      expect(moved).toMatchObject({ parentId: null, breadcrumbs: [], revision: 1 });
    });

    it('tags: set, changed, and listed by', async () => {
      const tag = `tag-${randomUUID().slice(0, 6)}`;
      const page = await create(l2, { title: unique('Tagged'), body: 'x', tags: [tag, 'Printer', tag] });
      expect(page.tags).toEqual(['printer', tag].sort());
      const listed = await l2.get(`${P}?tag=${tag}`);
      expect(listed.body.items.map((p: any) => p.id)).toEqual([page.id]);
      await save(l2, page.id, { baseRevision: 1, tags: ['other'] });
      expect((await l2.get(`${P}?tag=${tag}`)).body.items).toEqual([]);
      const inHelp = (await alice.get(`${P}?spaceId=${helpSpace}`)).body.items.map((p: any) => p.title);
      expect(inHelp).toEqual(expect.arrayContaining(['Printing problems', 'How to reset your password', 'Как сбросить пароль']));
    });

    it('templates in English and Russian; the solution article template fills an empty page', async () => {
      const list = (await alice.get('/api/v1/kb/templates')).body.items;
      const solution = list.find((x: any) => x.key === 'solution');
      expect(solution.name).toEqual({ en: 'Solution article', ru: 'Статья с решением' });
      for (const heading of ['Symptoms', 'Cause', 'Resolution', 'Applies to']) expect(solution.body.en).toContain(`## ${heading}`);
      for (const heading of ['Симптомы', 'Причина', 'Решение', 'Применимо к']) expect(solution.body.ru).toContain(`## ${heading}`);
      const ru = await create(l2, { title: unique('Ошибка 0x80070005'), template: 'solution', locale: 'ru' });
      expect(ru).toMatchObject({ template: 'solution', locale: 'ru' });
      expect(ru.html).toContain('<h2>Симптомы</h2>');
      const en = await create(l2, { title: unique('Error 0x80070005'), template: 'solution' });
      expect(en.html).toContain('<h2>Symptoms</h2>');
      expect((await l2.post(P, { title: unique('No such'), template: 'novel' })).body).toMatchObject({ statusCode: 400, details: [{ path: 'template' }] });
      expect((await l2.post(P, { title: unique('Nothing') })).body).toMatchObject({ statusCode: 400, details: [{ path: 'body' }] });
    });

    it('translations: an English and a Russian page linked both ways', async () => {
      const en = await create(l2, { title: unique('Connect to Wi-Fi'), body: 'Choose the network.' });
      expect(en.locale).toBe('en');
      const ru = await create(l2, { title: unique('Подключение к Wi-Fi'), body: 'Выберите сеть.', translationOf: en.id });
      expect(ru.locale).toBe('ru');
      expect(ru.translations).toEqual([{ id: en.id, title: en.title, spaceId: en.space.id, locale: 'en' }]);
      expect((await l2.get(`${P}/${en.id}`)).body.translations.map((p: any) => p.id)).toEqual([ru.id]);
      const twice = await l2.post(P, { title: unique('Ещё перевод'), body: 'x', translationOf: en.id });
      expect(twice.body.error).toBe('translation_exists');
      expect((await l2.post(P, { title: unique('Same language'), body: 'x', translationOf: en.id, locale: 'en' })).body).toMatchObject({ statusCode: 400, details: [{ path: 'locale' }] });
      // Unlinked and linked again.
      expect((await l2.delete(`${P}/${ru.id}/translations`)).body.translations).toEqual([]);
      expect((await l2.get(`${P}/${en.id}`)).body.translations).toEqual([]);
      expect((await l2.post(`${P}/${en.id}/translations`, { pageId: ru.id })).body.translations.map((p: any) => p.id)).toEqual([ru.id]);
      // The demo's help centre has a translated pair that clients see too.
      const demo = (await alice.get(`${P}?spaceId=${helpSpace}`)).body.items.find((p: any) => p.title === 'How to reset your password');
      expect((await alice.get(`${P}/${demo.id}`)).body.translations).toEqual([expect.objectContaining({ title: 'Как сбросить пароль', locale: 'ru' })]);
    });
  });

  describe('attachments', () => {
    it('an image attached to a page shows with attachment:name and downloads byte for byte', async () => {
      const page = await create(l2, { title: unique('With screenshot'), spaceId: clientASpace, body: 'Before\n\n![The error](attachment:error.png)' });
      const up = await l2.post(`${P}/${page.id}/attachments`, filesForm({ name: 'error.png', type: 'image/png', data: PNG }, { name: 'steps.txt', type: 'text/plain', data: 'one\ntwo\n' }));
      expect(up.status, JSON.stringify(up.body)).toBe(201);
      const [png, txt] = up.body.items;
      expect(png).toMatchObject({ filename: 'error.png', contentType: 'image/png', size: PNG.length, url: `${P}/${page.id}/attachments/${png.id}` });
      const view = (await alice.get(`${P}/${page.id}`)).body;
      expect(view.html).toContain(`<img src="${png.url}" alt="The error" />`);
      expect(view.attachments.map((a: any) => a.filename)).toEqual(['error.png', 'steps.txt']);
      const d = await download(t, alice, png.url);
      expect(d.status).toBe(200);
      expect(d.bytes.equals(PNG)).toBe(true);
      expect(d.headers.get('x-content-type-options')).toBe('nosniff');
      expect((await download(t, bob, png.url)).status).toBe(404);
      expect((await alice.delete(txt.url)).status).toBe(403);
      expect((await l2.delete(txt.url)).status).toBe(200);
      expect((await download(t, l2, txt.url)).status).toBe(404);
    });

    it('shows images from other sites only from the hosts of KB_IMAGE_HOSTS; others become links, not loaded', async () => {
      const page = await create(l2, { title: unique('Remote pictures'), spaceId: clientASpace, body: '![ok](https://img.example.com/a.png)\n\n![tracked](https://tracker.example/pixel.gif)' });
      const view = (await alice.get(`${P}/${page.id}`)).body;
      expect(view.html).toContain('<img src="https://img.example.com/a.png" alt="ok" />');
      expect(view.html).toContain('<a href="https://tracker.example/pixel.gif" rel="noopener noreferrer nofollow" class="remote-image">tracked</a>');
      expect(view.html).not.toContain('<img src="https://tracker.example');
    });

    it('refuses files that are not accepted, naming them, and clients may not upload', async () => {
      const page = await create(l2, { title: unique('Upload target'), body: 'x', spaceId: helpSpace });
      const bad = await l2.post(`${P}/${page.id}/attachments`, filesForm({ name: 'page.html', type: 'text/html', data: '<script>alert(1)</script>' }));
      expect(bad.body).toMatchObject({ statusCode: 400, details: [{ path: 'files' }] });
      expect(bad.body.message).toContain('page.html');
      expect((await l2.post(`${P}/${page.id}/attachments`, filesForm({ name: 'fake.png', type: 'image/png', data: 'GIF89a' }))).status).toBe(400);
      expect((await alice.post(`${P}/${page.id}/attachments`, filesForm({ name: 'a.txt', type: 'text/plain', data: 'x' }))).status).toBe(403);
      expect((await l2.get(`${P}/${page.id}`)).body.attachments).toEqual([]);
    });
  });

  it('no script survives in a page, whether written as Markdown or as HTML', async () => {
    const body = XSS_PAYLOADS.join('\n\n');
    const page = await create(l2, { title: unique('XSS'), body, spaceId: helpSpace });
    for (const viewer of [l2, alice]) {
      const { html } = (await viewer.get(`${P}/${page.id}`)).body;
      expect(harmfulParts(html)).toEqual([]);
      expect(html).not.toMatch(/<script/i);
    }
    for (const payload of XSS_PAYLOADS.slice(0, 20)) {
      const one = await create(l2, { title: unique('XSS one'), body: payload });
      expect(harmfulParts(one.html), payload).toEqual([]);
    }
  });

  describe('import and export', () => {
    it('exports a space as Markdown files and imports them into another, links and tree intact', async () => {
      const exported = await l2.get(`${S}/${helpSpace}/export`);
      expect(exported.status).toBe(200);
      const files = exported.body.files as { path: string; content: string }[];
      expect(files.map((f) => f.path)).toEqual(expect.arrayContaining(['printing-problems.md', 'printing-problems/printer-prints-blank-pages.md']));
      const blank = files.find((f) => f.path === 'printing-problems/printer-prints-blank-pages.md')!;
      expect(blank.content).toMatch(/^---\ntitle: "Printer prints blank pages"\nlocale: "en"\ntags: \["printer","toner"\]\nparent: "Printing problems"\ntemplate: "solution"\n---\n## Symptoms/);

      const key = `copy-${randomUUID().slice(0, 8)}`;
      const copy = await manager.post(S, { key, name: 'Copy of the help centre', visibility: 'internal' });
      expect(copy.status).toBe(201);
      const imported = await l2.post(`${S}/${copy.body.id}/import`, { files });
      expect(imported.status, JSON.stringify(imported.body)).toBe(200);
      expect(imported.body).toMatchObject({ created: files.length, updated: 0, unchanged: 0 });
      const pages = (await l2.get(`${P}?spaceId=${copy.body.id}`)).body.items as any[];
      const byTitle = Object.fromEntries(pages.map((p) => [p.title, p]));
      expect(byTitle['Printer prints blank pages'].parentId).toBe(byTitle['Printing problems'].id);
      const view = (await l2.get(`${P}/${byTitle['Printing problems'].id}`)).body;
      expect(view.html).toContain(`href="/kb/${byTitle['Printer prints blank pages'].id}"`);
      expect(view.html).not.toContain('wanted');

      // Importing the same files again changes nothing; a changed file becomes a new revision.
      expect((await l2.post(`${S}/${copy.body.id}/import`, { files })).body).toMatchObject({ created: 0, updated: 0, unchanged: files.length });
      const changed = [{ path: 'printing-problems.md', content: '---\ntitle: Printing problems\n---\nRewritten.' }];
      expect((await l2.post(`${S}/${copy.body.id}/import`, { files: changed })).body).toMatchObject({ created: 0, updated: 1 });
      expect((await l2.get(`${P}/${byTitle['Printing problems'].id}`)).body).toMatchObject({ revision: 2, body: 'Rewritten.' });
      expect((await l2.get(`${P}/${byTitle['Printing problems'].id}/revisions`)).body.items[0].kind).toBe('imported');
    });

    it('imports .md files sent as multipart, titles from headings', async () => {
      const form = new FormData();
      form.append('file', new Blob(['# Sign in to the portal\n\nUse your e-mail.'], { type: 'text/markdown' }), 'sign-in.md');
      form.append('file', new Blob(['---\ntitle: Portal FAQ\nparent: Sign in to the portal\n---\nSee [[Sign in to the portal]].'], { type: 'text/markdown' }), 'faq.md');
      const space = (await manager.post(S, { key: `mp-${randomUUID().slice(0, 8)}`, name: 'Multipart', visibility: 'public' })).body;
      const r = await l2.post(`${S}/${space.id}/import`, form);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.pages.map((p: any) => [p.title, p.action])).toEqual([['Sign in to the portal', 'created'], ['Portal FAQ', 'created']]);
    });

    it('refuses a bad file naming it, and imports nothing', async () => {
      const space = (await manager.post(S, { key: `bad-${randomUUID().slice(0, 8)}`, name: 'Bad import', visibility: 'internal' })).body;
      const files = [
        { path: 'ok.md', content: '# Fine page\n\nok' },
        { path: 'bad.md', content: '---\ntitle: "Bad [title]"\n---\nx' },
      ];
      const r = await l2.post(`${S}/${space.id}/import`, { files });
      expect(r.body).toMatchObject({ statusCode: 400, details: [{ path: 'files.1' }] });
      const orphan = await l2.post(`${S}/${space.id}/import`, { files: [{ path: 'a.md', content: '---\ntitle: A\nparent: Nowhere\n---\nx' }] });
      expect(orphan.body).toMatchObject({ statusCode: 400, details: [{ path: 'files.0' }] });
      expect((await l2.post(`${S}/${space.id}/import`, { files: [] })).body).toMatchObject({ statusCode: 400, details: [expect.objectContaining({ path: 'files' })] });
      expect((await l2.get(`${P}?spaceId=${space.id}`)).body.items).toEqual([]);
    });
  });

  describe('spaces', () => {
    it('a manager makes spaces and chooses who reads them; an agent may not', async () => {
      expect((await l2.post(S, { key: 'nope', name: 'No', visibility: 'public' })).status).toBe(403);
      const orgB = (await bob.get('/api/v1/me')).body.organizationId;
      const key = `b-${randomUUID().slice(0, 8)}`;
      const made = await manager.post(S, { key, name: 'For B', nameRu: 'Для B', visibility: 'organizations', organizationIds: [orgB] });
      expect(made.body).toMatchObject({ key, visibility: 'organizations', organizationIds: [orgB], isDefault: false });
      expect((await manager.post(S, { key, name: 'Again', visibility: 'internal' })).body.error).toBe('key_taken');
      const page = await create(l2, { title: unique('For B only'), body: 'x', spaceId: made.body.id });
      expect((await bob.get(`${P}/${page.id}`)).status).toBe(200);
      expect((await alice.get(`${P}/${page.id}`)).status).toBe(404);
      // Taking B off makes the page vanish for B at once.
      await manager.patch(`${S}/${made.body.id}`, { organizationIds: [] });
      expect((await bob.get(`${P}/${page.id}`)).status).toBe(404);
      await manager.patch(`${S}/${made.body.id}`, { visibility: 'public' });
      expect((await alice.get(`${P}/${page.id}`)).status).toBe(200);
      const internal = (await manager.get(S)).body.items.find((s: any) => s.isDefault);
      expect((await manager.patch(`${S}/${internal.id}`, { visibility: 'public' })).body).toMatchObject({ statusCode: 400, details: [{ path: 'visibility' }] });
    });

    it('clients list only the spaces they may read', async () => {
      const keys = async (c: Client) => (await c.get(S)).body.items.map((s: any) => s.key);
      expect(await keys(alice)).toEqual(expect.arrayContaining(['help', 'client-a']));
      expect(await keys(alice)).not.toContain('internal');
      expect(await keys(bob)).toContain('help');
      expect(await keys(bob)).not.toContain('client-a');
      expect((await alice.get(S)).body.items[0]).not.toHaveProperty('organizationIds');
    });
  });

  describe('input is checked', () => {
    it.each([
      ['title', {}],
      ['title', { title: '', body: 'x' }],
      ['title', { title: 'Has [brackets]', body: 'x' }],
      ['title', { title: 'Has | bar', body: 'x' }],
      ['title', { title: 'x'.repeat(201), body: 'x' }],
      ['spaceId', { title: 'x', body: 'x', spaceId: 'not-a-uuid' }],
      ['spaceId', { title: 'x', body: 'x', spaceId: randomUUID() }],
      ['parentId', { title: 'x', body: 'x', parentId: randomUUID() }],
      ['tags.0', { title: 'x', body: 'x', tags: ['no spaces'] }],
      ['locale', { title: 'x', body: 'x', locale: 'de' }],
      ['ownerId', { title: 'x', body: 'x', ownerId: randomUUID() }],
      ['translationOf', { title: 'x', body: 'x', translationOf: randomUUID() }],
      ['body', { title: 'x', body: 42 }],
    ])('POST /kb/pages refuses a bad %s with 400 naming it', async (field, body) => {
      const r = await l2.post(P, body);
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.details.map((d: any) => d.path)).toContain(field);
    });

    it.each([
      ['baseRevision', { body: 'x' }],
      ['baseRevision', { body: 'x', baseRevision: 0 }],
      ['baseRevision', { body: 'x', baseRevision: '1' }],
      ['title', { baseRevision: 1, title: '[[x]]' }],
      ['parentId', { baseRevision: 1, parentId: 'x' }],
    ])('PUT /kb/pages/:id refuses a bad %s with 400 naming it', async (field, body) => {
      const page = await create(l2, { title: unique('Validated'), body: 'x' });
      const r = await l2.put(`${P}/${page.id}`, body);
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.details.map((d: any) => d.path)).toContain(field);
    });

    it.each([
      ['from', 'from=0&to=1'],
      ['to', 'from=1'],
      ['from', 'from=x&to=1'],
      ['to', 'from=1&to=5'],
    ])('the diff refuses a bad %s (%s)', async (field, query) => {
      const page = await create(l2, { title: unique('Diff validation'), body: 'x' });
      const r = await l2.get(`${P}/${page.id}/diff?${query}`);
      expect(r.status).toBe(400);
      expect(r.body.details.map((d: any) => d.path)).toContain(field);
    });

    it('unknown pages are 404; the client side may not write', async () => {
      expect((await l2.get(`${P}/${randomUUID()}`)).status).toBe(404);
      expect((await l2.put(`${P}/${randomUUID()}`, { body: 'x', baseRevision: 1 })).status).toBe(404);
      expect((await alice.post(P, { title: 'Mine', body: 'x', spaceId: helpSpace })).status).toBe(403);
      expect((await t.anonymous().get(`${P}/${randomUUID()}`)).status).toBe(401);
    });
  });
});
