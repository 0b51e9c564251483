/**
 * Knowledge-base search latency on SQLite (the embedded default): 100 000 pages and 100 000
 * resolved requests, bulk-inserted, searched in-process through the search use case (visibility,
 * ranking, snippets), against a primary-key lookup of a page in the same run. One JSON object per
 * measurement; `npx tsx bench/kb-search.ts` prints them, `benchKbSearch()` returns them.
 *
 * Env: KB_BENCH_DOCS (pages and requests each, default 100 000), KB_BENCH_SAMPLES (default 2000).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import pino from 'pino';
import { buildTierdesk, type Tierdesk } from '../src/app.js';
import { loadConfig } from '../src/core/config/config.js';
import { seedDemo } from '../src/demo/seed.js';
import type { AppContext } from '../src/modules/db.js';
import { findUserByEmail, toActor, type Actor } from '../src/modules/identity/index.js';
import { presentFound } from '../src/modules/kb/http/presenters.js';
import { findPage } from '../src/modules/kb/kb.repo.js';
import { DEFAULT_SPACE_ID } from '../src/modules/kb/kb.tables.js';
import { searchEngine, type IndexedDoc } from '../src/modules/kb/search-engine.js';
import { searchKb } from '../src/modules/kb/search.service.js';
import { stem } from '../src/modules/kb/text.js';
import { prng } from './prng.js';

const DOCS = Number(process.env.KB_BENCH_DOCS ?? 100_000);
const SAMPLES = Number(process.env.KB_BENCH_SAMPLES ?? 2000);
const TOPICS = 500;
const BATCH = 500;
const TARGET_P99_MS = 30;
const log = (msg: string) => process.stderr.write(`${msg}\n`);

// Words people write about IT problems, each in a few of its forms (stemming must join them).
const RU = [
  'принтер принтера принтеры принтеров', 'пароль пароля пароли паролем', 'почта почты почту почтой', 'сервер сервера серверы серверов',
  'ошибка ошибки ошибку ошибок', 'сеть сети сетью', 'монитор монитора мониторы', 'клавиатура клавиатуры клавиатуру',
  'ноутбук ноутбука ноутбуки', 'диск диска диски дисков', 'файл файла файлы файлов', 'папка папки папку',
  'доступ доступа доступом', 'учётная учётной учётную', 'запись записи записью', 'обновление обновления обновлений',
  'программа программы программу', 'телефон телефона телефоны', 'сканер сканера сканеры', 'касса кассы кассу',
  'лицензия лицензии лицензию', 'подключение подключения подключений', 'настройка настройки настройку', 'отчёт отчёта отчёты',
  'бумага бумаги бумагу', 'картридж картриджа картриджи', 'драйвер драйвера драйверы', 'календарь календаря календари',
  'вложение вложения вложений', 'домен домена домены',
];
const EN = [
  'printer printers printing', 'password passwords', 'mailbox mailboxes', 'server servers', 'error errors', 'network networks',
  'monitor monitors', 'keyboard keyboards', 'laptop laptops', 'disk disks', 'file files', 'folder folders', 'access accessing',
  'account accounts', 'update updates updating', 'install installing installed', 'connection connections connecting',
  'license licenses', 'scanner scanners', 'driver drivers', 'calendar calendars', 'certificate certificates', 'backup backups',
  'login logins', 'session sessions', 'report reports', 'toner', 'display displays', 'router routers', 'firewall firewalls',
];
const FORMS = [...RU, ...EN].map((s) => s.split(' '));

/** Filler words: pronounceable pseudo-words, Latin and Cyrillic, used with a Zipf-like frequency. */
function fillers(rnd: () => number, n: number) {
  const lat = ['ka', 'lo', 'mi', 're', 'su', 'ta', 'ven', 'dor', 'pli', 'xo'];
  const cyr = ['ка', 'ло', 'ми', 'ре', 'су', 'та', 'вен', 'дор', 'пли', 'хо'];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const syl = i % 2 ? cyr : lat;
    let w = '';
    for (let k = 0; k < 3 + Math.floor(rnd() * 2); k++) w += syl[Math.floor(rnd() * syl.length)];
    out.push(w);
  }
  return out;
}

/** A topic: two real words and a product code; documents of a topic mention them often. */
interface Topic {
  words: string[][];
  product: string;
}

function build(rnd: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const filler = fillers(rnd, 5000);
  // Zipf-like ranks: rank r drawn with probability about 1/r.
  const zipf = () => filler[Math.min(filler.length - 1, Math.floor(Math.exp(rnd() * Math.log(filler.length))) - 1)]!;
  const topics: Topic[] = Array.from({ length: TOPICS }, (_, i) => ({ words: [pick(FORMS), pick(FORMS)], product: `model${1000 + i}` }));
  const doc = () => {
    const topic = pick(topics);
    const title = [pick(topic.words[0]!), topic.product, pick(topic.words[1]!), zipf()].join(' ');
    const body: string[] = [];
    const length = 40 + Math.floor(rnd() * 80);
    for (let i = 0; i < length; i++) body.push(rnd() < 0.12 ? pick(pick(topic.words)) : rnd() < 0.02 ? topic.product : zipf());
    return { title, body: `${body.join(' ')}.` };
  };
  return { topics, doc, pick, filler };
}

/** Stems of a generated text; its words repeat, so each is stemmed once. */
function stemmer() {
  const cache = new Map<string, string>();
  return (text: string) =>
    (text.match(/[\p{L}\p{N}]+/gu) ?? [])
      .map((w) => {
        let s = cache.get(w);
        if (s === undefined) cache.set(w, (s = stem(w)));
        return s;
      })
      .join(' ');
}

async function seed(app: AppContext, rnd: () => number, gen: ReturnType<typeof build>) {
  const db = app.db;
  const stems = stemmer();
  const author = (await findUserByEmail(db, 'l2@demo.test'))!.id;
  const clients = await db.selectFrom('users').select(['id', 'organization_id']).where('organization_id', 'is not', null).execute();
  const orgA = (await findUserByEmail(db, 'alice@client-a.test'))!.organization_id!;
  const now = new Date().toISOString();
  const spaces = [DEFAULT_SPACE_ID, crypto.randomUUID(), crypto.randomUUID()];
  await db
    .insertInto('kb_spaces')
    .values([
      { id: spaces[1]!, key: 'bench-public', name: 'Bench public', name_ru: null, description: '', visibility: 'public', is_default: 0, created_by: author, created_at: now, updated_at: now },
      { id: spaces[2]!, key: 'bench-client-a', name: 'Bench client A', name_ru: null, description: '', visibility: 'organizations', is_default: 0, created_by: author, created_at: now, updated_at: now },
    ])
    .execute();
  await db.insertInto('kb_space_organizations').values({ space_id: spaces[2]!, organization_id: orgA }).execute();
  const counter = await db.selectFrom('counters').select('value').where('name', '=', 'ticket_number').executeTakeFirst();
  let number = Number(counter?.value ?? 0);
  const pageIds: string[] = [];

  for (let start = 0; start < DOCS; start += BATCH) {
    const n = Math.min(BATCH, DOCS - start);
    await db.transaction().execute(async (trx) => {
      const pages = Array.from({ length: n }, (_, k) => {
        const d = gen.doc();
        const id = crypto.randomUUID();
        pageIds.push(id);
        // Half of the pages internal; the rest public to all, or to client A only.
        const r = rnd();
        const space = spaces[r < 0.5 ? 0 : r < 0.85 ? 1 : 2]!;
        const title = `${d.title} ${start + k}`;
        return { id, space, title, body: d.body };
      });
      await trx
        .insertInto('kb_pages')
        .values(pages.map((p) => ({
          id: p.id, space_id: p.space, parent_id: null, title: p.title, title_key: p.title.toLowerCase(), body: p.body, revision: 1, locale: 'en' as const,
          translation_group: p.id, template: null, owner_id: author, created_by: author, created_at: now, updated_by: author, updated_at: now, reviewed_by: author, reviewed_at: now, views: 0,
        })))
        .execute();
      const tickets = Array.from({ length: n }, () => {
        const d = gen.doc();
        const who = gen.pick(clients);
        return { id: crypto.randomUUID(), number: ++number, subject: d.title, description: d.body, requester: who.id, org: who.organization_id! };
      });
      await trx
        .insertInto('tickets')
        .values(tickets.map((t) => ({
          id: t.id, number: t.number, type: 'incident' as const, subject: t.subject, description: t.description, requester_id: t.requester, organization_id: t.org,
          channel: 'web' as const, category_id: null, impact: 'medium' as const, urgency: 'medium' as const, priority: 'P3' as const, status: 'closed' as const, line: 'L1' as const,
          group_id: null, assignee_id: author, version: 3, created_by: t.requester, created_at: now, updated_at: now, first_response_at: now, resolved_at: now, closed_at: now, reopened_count: 0,
        })))
        .execute();
      await trx
        .insertInto('kb_resolved_requests')
        .values(tickets.map((t) => ({ ticket_id: t.id, number: t.number, organization_id: t.org, requester_id: t.requester, subject: t.subject, status: 'closed', line: 'L1', assignee_id: author, resolved_at: now })))
        .execute();
      const doc = (kind: 'page' | 'ticket', refId: string, title: string, body: string, scope: Partial<IndexedDoc>): IndexedDoc => ({
        kind, refId, title, body, titleStems: stems(title), bodyStems: stems(body), updatedAt: now, spaceId: null, organizationId: null, requesterId: null, ...scope,
      });
      await searchEngine('sqlite').insertMany(trx, [
        ...pages.map((p) => doc('page', p.id, p.title, p.body, { spaceId: p.space })),
        ...tickets.map((t) => doc('ticket', t.id, t.subject, t.description, { organizationId: t.org, requesterId: t.requester })),
      ]);
    });
  }
  await db.insertInto('counters').values({ name: 'ticket_number', value: number }).onConflict((oc) => oc.column('name').doUpdateSet({ value: number })).execute();
  await sql`insert into kb_search_fts (kb_search_fts) values ('optimize')`.execute(db);
  await sql`analyze`.execute(db);
  return pageIds;
}

const percentile = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
const round = (ms: number) => Number(ms.toFixed(3));

/** Times `fn` over `samples` calls (after a warm-up), in milliseconds. */
async function time(samples: number, fn: (i: number) => Promise<unknown>) {
  for (let i = 0; i < Math.min(200, samples); i++) await fn(i);
  const ms: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await fn(i);
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99), max: ms[ms.length - 1]! };
}

/** What people type: one word in some form, a word and a product, two or three words. */
function queries(rnd: () => number, gen: ReturnType<typeof build>) {
  const out: string[] = [];
  for (let i = 0; i < 400; i++) {
    const topic = gen.pick(gen.topics);
    const word = () => gen.pick(gen.pick(topic.words));
    const r = rnd();
    out.push(r < 0.35 ? word() : r < 0.65 ? `${word()} ${topic.product}` : r < 0.9 ? `${word()} ${word()}` : `${word()} ${word()} ${topic.product}`);
  }
  return out;
}

/** Runs the measurements and returns one object per measurement. */
export async function benchKbSearch(): Promise<object[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tierdesk-kb-bench-'));
  let td: Tierdesk | undefined;
  try {
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', TIERDESK_DEMO: '0', DATABASE_URL: '' });
    td = await buildTierdesk(config, { logger: pino({ level: 'silent' }) });
    const app = td.app;
    await seedDemo(app);
    const rnd = prng(7);
    const gen = build(rnd);
    const t0 = performance.now();
    const pageIds = await seed(app, rnd, gen);
    log(`kb bench: ${DOCS} pages and ${DOCS} resolved requests on sqlite in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const actor = async (email: string): Promise<Actor> => toActor((await findUserByEmail(app.db, email))!);
    const [agent, requester] = [await actor('l1@demo.test'), await actor('alice@client-a.test')];
    const qs = queries(rnd, gen);
    const broad = gen.filler.slice(0, 20);
    const search = (who: Actor, list: string[]) => async (i: number) => (await searchKb(app, who, { q: list[i % list.length]!, limit: 20 })).map(presentFound);

    const pk = await time(SAMPLES, (i) => findPage(app.db, pageIds[(i * 7919) % pageIds.length]!));
    const common = { database: 'sqlite', pages: DOCS, resolvedRequests: DOCS, samples: SAMPLES, limit: 20 };
    const results: object[] = [{ name: 'kb: primary-key lookup of a page (baseline)', ...common, p50Ms: round(pk.p50), p99Ms: round(pk.p99), maxMs: round(pk.max) }];
    const measure = async (name: string, fn: (i: number) => Promise<unknown>, target: boolean) => {
      const m = await time(SAMPLES, fn);
      results.push({
        name,
        ...common,
        p50Ms: round(m.p50),
        p99Ms: round(m.p99),
        maxMs: round(m.max),
        baselineP50Ms: round(pk.p50),
        baselineP99Ms: round(pk.p99),
        ratioP50: Number((m.p50 / pk.p50).toFixed(1)),
        ratioP99: Number((m.p99 / pk.p99).toFixed(1)),
        ...(target && { targetP99Ms: TARGET_P99_MS, met: m.p99 <= TARGET_P99_MS }),
      });
    };
    await measure('kb: search as an agent (pages and requests; 1–3 words, ru/en forms)', search(agent, qs), true);
    await measure('kb: search as a requester (public pages and her own requests)', search(requester, qs), true);
    await measure('kb: search for a word in most documents (worst case), as an agent', search(agent, broad), false);
    return results;
  } finally {
    await td?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href)
  benchKbSearch().then(
    (rows) => rows.forEach((r) => process.stdout.write(`${JSON.stringify(r)}\n`)),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
