import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
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

/** A browser context for one person, recording console errors and uncaught exceptions. */
export async function personContext(browser: Browser, baseURL: string, errors: string[], viewport = DESKTOP): Promise<BrowserContext> {
  // Reduced motion: no transitions half-way through a screenshot.
  const context = await browser.newContext({ baseURL, viewport, locale: 'en-GB', reducedMotion: 'reduce' });
  context.setDefaultTimeout(15_000);
  context.on('page', (page) => watch(page, errors));
  return context;
}

export function watch(page: Page, errors: string[]) {
  page.on('console', (m) => {
    if (m.type() === 'error' && !EXPECTED.test(m.text())) errors.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 500) errors.push(`${r.request().method()} ${r.url()}: ${r.status()}`);
    else if (r.status() >= 400 && process.env.E2E_DEBUG) console.warn(`${r.request().method()} ${r.url()}: ${r.status()}`);
  });
}

/** Saves a screenshot of the screen at desktop and phone size, and checks the phone layout does not overflow sideways. */
export async function shoot(page: Page, name: string) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const size = page.viewportSize() ?? DESKTOP;
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-phone.png`), fullPage: true });
  const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
  await page.setViewportSize(size);
  return { phoneOverflowPx: overflow };
}

/** Form fields without an accessible name (label, aria-label or aria-labelledby). */
export function unlabelledFields(page: Page) {
  // A string, evaluated in the page (this file is type-checked for Node, without the DOM's types).
  return page.evaluate<string[]>(`[...document.querySelectorAll('input:not([type=hidden]), textarea, select')]
      .filter((el) => el.offsetParent !== null && !el.labels?.length && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
      .map((el) => el.outerHTML.slice(0, 120))`);
}
