import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en } from '../web/src/i18n/en';
import { ru } from '../web/src/i18n/ru';
import { startApp, buildWebApp, type RunningApp } from './support/app';
import { ensureChromium, launch, PHONE, DESKTOP, shoot } from './support/browser';
import { signer } from './support/session';

type Lang = 'en' | 'ru';

/** Every string of a table, flattened. */
const strings = (table: object): string[] => Object.values(table).flatMap((v) => (typeof v === 'string' ? [v] : strings(v as object)));

/**
 * What, on a screen in `lang`, can only have come from the other language's table: its strings
 * that the screen's own table does not have, as whole-text patterns ({{placeholders}} match anything).
 */
function otherLanguage(lang: Lang): RegExp[] {
  const own = new Set(strings(lang === 'en' ? en : ru));
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return strings(lang === 'en' ? ru : en)
    .filter((s) => !own.has(s))
    // Literal text enough to tell the language (not "{{n}} %", "SLA", "P1").
    .filter((s) => s.replace(/\{\{[^}]+\}\}/g, '').replace(/[^\p{L}]/gu, '').length >= 4)
    .map((s) => new RegExp(`^${s.split(/\{\{[^}]+\}\}/).map(escape).join('.+?')}$`, 's'));
}
const OTHER: Record<Lang, RegExp[]> = { en: otherLanguage('en'), ru: otherLanguage('ru') };

/** Codes the server or the app uses inside (`off_hours_support`, `SYSTEM_ADMINISTRATION`) shown as text. */
const RAW_CODES = [/\b[a-z]+_[a-z_]+\b/, /\b[A-Z]+_[A-Z_]+\b/];

/** The visible text of the screen, one entry per element's own text (form values included). */
const visibleTexts = (page: Page) =>
  page.evaluate<string[]>(`(() => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const el = node.parentElement;
      const text = node.textContent.trim();
      if (!el || !text || el.closest('script, style, [aria-hidden=true]')) continue;
      const box = el.getBoundingClientRect();
      if (!box.width || !box.height || getComputedStyle(el).visibility === 'hidden') continue;
      out.push(text);
    }
    for (const el of document.querySelectorAll('input:not([type=hidden]):not([type=password]), textarea'))
      if (el.offsetParent !== null && el.placeholder) out.push(el.placeholder.trim());
    return out;
  })()`);

/** Text cut short so that fewer than 4 of its characters (or fewer than all of a shorter one) show. */
const truncated = (page: Page) =>
  page.evaluate<string[]>(`(() => {
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      if (el.children.length || el.closest('[aria-hidden=true], .mantine-TableScrollContainer-scrollContainer')) continue;
      const text = (el.textContent || '').trim();
      if (!text || el.scrollWidth <= el.clientWidth + 1 || !el.clientWidth) continue;
      const s = getComputedStyle(el);
      if (s.overflow === 'visible' && s.overflowX === 'visible' && s.textOverflow !== 'ellipsis') continue;
      const shown = Math.floor((text.length * el.clientWidth) / el.scrollWidth);
      if (shown < Math.min(4, text.length)) out.push('"' + text.slice(0, 40) + '" shows ~' + shown + ' characters');
    }
    return out;
  })()`);

/**
 * Every role, in English and in Russian, on every screen the role can reach: the screen speaks the
 * reader's language only, shows no internal codes, cuts no label to a stub and writes no console
 * error; the client roles get "not for you" on every staff address.
 */
describe('every role, every screen, both languages', () => {
  let app: RunningApp;
  let browser: Browser;
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    ensureChromium();
    buildWebApp();
    app = await startApp();
    browser = await launch();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  const signIn = (email: string) => signer(browser, app.url, errors, contexts).signIn(email);

  /** Switches the signed-in person to `lang` (saved in the profile) and waits for the page to follow. */
  async function speak(page: Page, lang: Lang) {
    if ((await page.evaluate<string>('document.documentElement.lang')) !== lang) {
      const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/me') && r.request().method() === 'PATCH');
      await page.locator('label', { hasText: new RegExp(`^${lang.toUpperCase()}$`) }).first().click();
      await saved;
    }
    await expect.poll(() => page.evaluate<string>('document.documentElement.lang')).toBe(lang);
  }

  /** Opens `path` and waits until its screen is there: a heading, and nothing still loading. */
  async function open(page: Page, path: string) {
    await page.goto(path);
    await page.locator('main h1').first().waitFor();
    await expect.poll(() => page.locator('main .mantine-Loader').count(), { timeout: 15_000 }).toBe(0);
  }

  /** The checks on the screen at hand, at desktop and phone size; what fails is collected with where. */
  async function check(page: Page, lang: Lang, where: string) {
    const before = errors.length;
    const texts = await visibleTexts(page);
    for (const text of new Set(texts)) {
      const other = OTHER[lang].find((re) => re.test(text));
      if (other) problems.push(`${where}: "${text.slice(0, 60)}" is from the other language's table`);
      for (const re of RAW_CODES) {
        const code = re.exec(text);
        if (code) problems.push(`${where}: raw code "${code[0]}" in "${text.slice(0, 60)}"`);
      }
    }
    for (const size of [DESKTOP, PHONE]) {
      await page.setViewportSize(size);
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
      for (const cut of await truncated(page)) problems.push(`${where} at ${size.width}px: ${cut}`);
    }
    await page.setViewportSize(DESKTOP);
    for (const e of errors.slice(before)) problems.push(`${where}: console: ${e}`);
  }

  /** The first link on the screen at `list` whose address matches, for screens of one thing. */
  async function firstLink(page: Page, list: string, href: RegExp): Promise<string> {
    await open(page, list);
    const hrefs = () => page.locator('main a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    await expect.poll(async () => (await hrefs()).some((h) => href.test(h))).toBe(true);
    return (await hrefs()).find((h) => href.test(h))!;
  }

  /** Every screen of `screens` in both languages, checked; the person's own language comes back to English after. */
  async function tour(email: string, screens: (page: Page) => Promise<string[]>) {
    const page = await signIn(email);
    const paths = await screens(page);
    for (const lang of ['en', 'ru'] as const) {
      await speak(page, lang);
      for (const path of paths) {
        await open(page, path);
        await check(page, lang, `${email} ${lang} ${path}`);
      }
    }
    await speak(page, 'en');
    return page;
  }

  const STAFF_ADDRESSES = ['/dashboard', '/queues/line', '/queues/mine', '/calls', '/timesheets', '/rosters', '/admin', '/admin/people', '/kb/new', '/automation'];

  /** A client role on a staff address: "not for you" in the reader's language, and no staff screen. */
  async function refusedEverywhere(page: Page, extra: string[]) {
    for (const lang of ['ru', 'en'] as const) {
      await speak(page, lang);
      for (const path of [...STAFF_ADDRESSES, ...extra]) {
        await open(page, path);
        await page.getByTestId('not-for-you').getByRole('heading', { name: lang === 'en' ? en.access.title : ru.access.title }).waitFor();
        expect(await page.locator('main select, main input, main table, main [role=alert]').count(), path).toBe(0);
        await check(page, lang, `${path} refused (${lang})`);
      }
    }
  }

  it('the requester reaches her screens only', async () => {
    const alice = await tour('alice@client-a.test', async (page) => {
      await page.waitForURL(/\/requests$/);
      const ticket = await firstLink(page, '/requests', /^\/tickets\/TD-/);
      const article = await firstLink(page, '/kb', /^\/kb\/[^/]+$/);
      return ['/requests', '/requests/new', ticket, '/kb', article, '/profile'];
    });
    // Her own company's list and the reports are her IT manager's, not hers.
    await refusedEverywhere(alice, ['/requests/company', '/reports']);
    await shoot(alice, 'roles-01-not-for-you');
  }, 240_000);

  it("the client's IT manager starts on all of the company's requests, and reaches no staff screen", async () => {
    const igor = await tour('it@client-a.test', async (page) => {
      await page.waitForURL(/\/requests\/company$/);
      await page.getByRole('heading', { name: en.portal.companyRequests }).waitFor();
      const ticket = await firstLink(page, '/requests/company', /^\/tickets\/TD-/);
      const article = await firstLink(page, '/kb', /^\/kb\/[^/]+$/);
      return ['/requests/company', '/requests', '/requests/new', ticket, '/kb', article, '/reports', '/profile'];
    });
    await open(igor, '/requests/company');
    await shoot(igor, 'roles-02-company-requests');
    await refusedEverywhere(igor, []);
  }, 240_000);

  it('an agent reaches the queues and the desk, not the manager or admin screens', async () => {
    const l1 = await tour('l1@demo.test', async (page) => {
      await page.waitForURL(/\/queues\/mine$/);
      const ticket = await firstLink(page, '/queues/line', /^\/tickets\/TD-/);
      const article = await firstLink(page, '/kb', /^\/kb\/[^/]+$/);
      return ['/queues/mine', '/queues/line', '/queues/unassigned', '/queues/atRisk', '/queues/pending', ticket, '/calls', '/kb', article, '/kb/new', '/timesheets', '/profile'];
    });
    for (const path of ['/dashboard', '/rosters', '/admin/people']) {
      await open(l1, path);
      await l1.getByTestId('not-for-you').waitFor();
    }
  }, 300_000);

  it('the manager reaches the dashboard, reports, rosters and timesheets', async () => {
    await tour('manager@demo.test', async (page) => {
      await page.waitForURL(/\/dashboard$/);
      const ticket = await firstLink(page, '/queues/line', /^\/tickets\/TD-/);
      // The automation rules: the list, a new rule's form, and a rule with conditions and actions of several kinds.
      const { csrfToken } = (await (await page.request.get('/api/v1/me')).json()) as { csrfToken: string };
      const created = await page.request.post('/api/v1/automation/rules', {
        headers: { 'x-csrf-token': csrfToken },
        data: {
          name: 'P1 out of hours',
          events: ['ticket.created', 'sla.warned'],
          conditions: { all: [{ field: 'ticket.priority', op: 'in', value: ['P1', 'P2'] }, { field: 'event.time', op: 'out_of_business_hours' }], none: [{ field: 'ticket.channel', op: 'is', value: 'sms' }] },
          actions: [{ type: 'status', status: 'pending_customer' }, { type: 'notify', to: 'role:l2_oncall', channel: 'sms', text: 'P1 {{ticket.number}}' }, { type: 'tags', add: ['night'] }],
        },
      });
      expect(created.status()).toBe(201);
      const rule = (await created.json()) as { id: string };
      return ['/dashboard', '/queues/atRisk', ticket, '/reports', '/rosters', '/timesheets', '/calls', '/kb', '/automation', '/automation/new', `/automation/${rule.id}`];
    });
  }, 300_000);

  it('the administrator reaches every section of the administration', async () => {
    await tour('admin@demo.test', async (page) => {
      const sections = ['organizations', 'plans', 'calendars', 'categories', 'people', 'groups', 'sso', 'security', 'mailboxes', 'quarantine', 'dead-letters', 'sms-gateways', 'sms-messages', 'telephony', 'webhooks', 'catalog', 'import'].map((s) => `/admin/${s}`);
      const edits: string[] = [];
      for (const [list, href] of [
        ['/admin/organizations', /^\/admin\/organizations\/[^/]+$/],
        ['/admin/plans', /^\/admin\/plans\/[^/]+$/],
        ['/admin/calendars', /^\/admin\/calendars\/[^/]+$/],
        ['/admin/people', /^\/admin\/people\/[^/]+$/],
      ] as const)
        edits.push(await firstLink(page, list, href));
      return [...sections, ...edits];
    });
  }, 400_000);

  it('found nothing wrong on any screen', () => {
    expect(problems).toEqual([]);
  });
});
