import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { ROOT } from './app';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = path.join(ROOT, 'e2e/screenshots');
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** Debian's Chromium; installed here when missing and we may (root), as .ci/run does. */
export function ensureChromium() {
  if (fs.existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0) throw new Error('The browser tests need Debian\u2019s chromium: apt-get install chromium');
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit' });
}

/**
 * Headless Chromium without any network chatter of its own. Playwright gives every launch a fresh
 * temporary profile (--user-data-dir), removed when the browser closes.
 */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A console message that is only the browser reporting an HTTP answer the app expects and handles. */
const EXPECTED = /Failed to load resource: the server responded with a status of (401|404|409) /;

/** Everything the pages' Content-Security-Policy refused, over all the file's browser contexts. */
export const cspViolations: string[] = [];

/** What Chromium writes to the console when the policy refuses something. */
const CSP_REFUSAL = /Refused to|Content Security Policy/i;

/**
 * A browser context for one person, recording console errors, uncaught exceptions and every
 * Content-Security-Policy violation (the page's `securitypolicyviolation` events, reported back).
 */
export async function personContext(browser: Browser, baseURL: string, errors: string[], viewport = DESKTOP, violations = cspViolations): Promise<BrowserContext> {
  // Reduced motion: no transitions half-way through a screenshot.
  const context = await browser.newContext({ baseURL, viewport, locale: 'en-GB', reducedMotion: 'reduce' });
  context.setDefaultTimeout(15_000);
  await context.exposeBinding('__tierdeskCspViolation', ({ page }, what: string) => {
    violations.push(`${page.url()}: ${what}`);
  });
  await context.addInitScript(`document.addEventListener('securitypolicyviolation', (e) =>
    window.__tierdeskCspViolation(e.effectiveDirective + ' refused ' + (e.blockedURI || 'inline') + (e.sourceFile ? ' in ' + e.sourceFile + ':' + e.lineNumber : '')))`);
  context.on('page', (page) => watch(page, errors, violations, new URL(baseURL).origin));
  return context;
}

export function watch(page: Page, errors: string[], violations = cspViolations, origin?: string) {
  page.on('console', (m) => {
    if (CSP_REFUSAL.test(m.text())) violations.push(`${page.url()}: ${m.text()}`);
    if (m.type() === 'error' && !EXPECTED.test(m.text())) errors.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  page.on('response', (r) => {
    // Every page of ours carries a policy; redirects have no page, and other sites (an IdP) are theirs.
    const ours = !origin || new URL(r.url()).origin === origin;
    const redirect = r.status() >= 300 && r.status() < 400;
    if (r.request().resourceType() === 'document' && ours && !redirect && !r.headers()['content-security-policy'])
      violations.push(`${r.url()}: no Content-Security-Policy`);
    if (r.status() >= 500) errors.push(`${r.request().method()} ${r.url()}: ${r.status()}`);
    else if (r.status() >= 400 && process.env.E2E_DEBUG) console.warn(`${r.request().method()} ${r.url()}: ${r.status()}`);
  });
}

/** Screens that scroll sideways on a phone (tables scroll inside their own box instead). */
export const phoneOverflow: string[] = [];

/** Low-contrast text found on the screens shot so far (see lowContrast). */
export const contrastProblems: string[] = [];

/** A screen's fields all have a name, and the screen is shot at both sizes (see shoot). */
export async function checkScreen(page: Page, name: string) {
  expect(await unlabelledFields(page), name).toEqual([]);
  await shoot(page, name);
}

/** The checks that close every browser test file: over all it did and every screen it shot. */
export function checksEveryScreen(errors: string[]) {
  it('had no console errors', () => {
    expect(errors).toEqual([]);
  });

  it('had no Content-Security-Policy violations', () => {
    expect([...new Set(cspViolations)]).toEqual([]);
  });

  it('has enough text contrast on every screen shot (WCAG AA)', () => {
    expect([...new Set(contrastProblems)]).toEqual([]);
  });

  it('fits every screen shot into a phone-sized window', () => {
    expect(phoneOverflow).toEqual([]);
  });
}

/** Saves a screenshot of the screen at desktop and phone size, and checks the phone layout does not overflow sideways. */
export async function shoot(page: Page, name: string) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  // No hover effects (a chart's tooltip, a hovered button under the last click) in the pictures or the contrast check.
  await page.mouse.move(0, 0);
  // From the top: a full-page picture of a scrolled page draws the fixed header half-way down.
  await page.evaluate('window.scrollTo(0, 0)');
  for (const problem of await lowContrast(page)) contrastProblems.push(`${name}: ${problem}`);
  const size = page.viewportSize() ?? DESKTOP;
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  // Charts measure their box when the window resizes: let two frames pass so they lay out again.
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-phone.png`), fullPage: true });
  const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
  if (overflow > 0) {
    // What sticks out (content inside a table's own scroll box does not count).
    const culprits = await page.evaluate<string[]>(`[...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.mantine-TableScrollContainer-scrollContainer'))
      .slice(0, 3).map((e) => e.tagName + '.' + String(e.className && e.className.baseVal !== undefined ? e.className.baseVal : e.className).slice(0, 50))`);
    phoneOverflow.push(`${name}: ${overflow}px wider than the phone: ${culprits.join(', ')}`);
  }
  await page.setViewportSize(size);
  return { phoneOverflowPx: overflow };
}

/**
 * Text whose contrast with its background is below WCAG AA (4.5:1; 3:1 for large text), on the
 * screen as it is; disabled controls are exempt. Translucent backgrounds count as the opaque one beneath.
 */
export function lowContrast(page: Page) {
  return page.evaluate<string[]>(`(() => {
    const parse = (c) => { const m = /rgba?\\(([^)]+)\\)/.exec(c); if (!m) return null; const p = m[1].split(/[\\s,/]+/).filter(Boolean).map(Number); return { r: p[0], g: p[1], b: p[2], a: p[3] ?? 1 }; };
    const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
    const bgOf = (el) => { for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor); if (c && c.a > 0.5) return c; } return { r: 255, g: 255, b: 255, a: 1 }; };
    const out = [];
    const seen = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const el = node.parentElement;
      if (!el || seen.has(el) || !node.textContent.trim()) continue;
      seen.add(el);
      const s = getComputedStyle(el);
      if (s.visibility === 'hidden' || el.closest('[aria-hidden=true], :disabled, [data-disabled=true], .recharts-wrapper')) continue;
      const box = el.getBoundingClientRect();
      if (!box.width || !box.height) continue;
      const fg = parse(s.color);
      if (!fg) continue;
      const bg = bgOf(el);
      const mix = { r: fg.r * fg.a + bg.r * (1 - fg.a), g: fg.g * fg.a + bg.g * (1 - fg.a), b: fg.b * fg.a + bg.b * (1 - fg.a) };
      const [hi, lo] = [lum(mix), lum(bg)].sort((a, b) => b - a);
      const ratio = (hi + 0.05) / (lo + 0.05);
      const size = parseFloat(s.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) out.push(ratio.toFixed(2) + ' "' + node.textContent.trim().slice(0, 40) + '" ' + s.color + ' on rgb(' + bg.r + ',' + bg.g + ',' + bg.b + ')');
    }
    return out;
  })()`);
}

/** Form fields without an accessible name (label, aria-label or aria-labelledby). */
export function unlabelledFields(page: Page) {
  // A string, evaluated in the page (this file is type-checked for Node, without the DOM's types).
  return page.evaluate<string[]>(`[...document.querySelectorAll('input:not([type=hidden]), textarea, select')]
      .filter((el) => el.offsetParent !== null && !el.labels?.length && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
      .map((el) => el.outerHTML.slice(0, 120))`);
}
