import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { personContext } from './browser';

/** Every demo account's password. */
export const PASSWORD = 'tierdesk-demo';

/** Makes sure the interface (and the person's profile, when signed in) is in English. */
export async function english(page: Page) {
  const en = page.getByRole('radio', { name: 'EN' });
  if (!(await en.isChecked())) {
    const signedIn = !new URL(page.url()).pathname.match(/^\/(sign-in|forgot-password|reset-password)/);
    // Signed in, the choice is saved in the profile: wait for that, so that the next page load keeps it.
    const saved = signedIn ? page.waitForResponse((r) => r.url().endsWith('/api/v1/me') && r.request().method() === 'PATCH') : null;
    await page.locator('label', { hasText: /^EN$/ }).first().click();
    await saved;
  }
  await expect.poll(() => page.evaluate<string>('document.documentElement.lang')).toBe('en');
}

/** Opens a fresh browser context for one person, recording console errors into `errors`. */
export function signer(browser: Browser, baseURL: string, errors: string[], contexts: BrowserContext[] = []) {
  /** The sign-in screen in a new context, in English, having asked for `path`. */
  async function signInScreen(path = '/'): Promise<Page> {
    const context = await personContext(browser, baseURL, errors);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(path);
    await page.waitForURL(/\/sign-in/);
    await english(page);
    return page;
  }
  /** A new browser context signed in as `email`, in English, at `path`. */
  async function signIn(email: string, password = PASSWORD, path = '/'): Promise<Page> {
    const page = await signInScreen(path);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel(/^Password/).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
    await english(page);
    return page;
  }
  return { signIn, signInScreen };
}

/** Switches the interface (and the signed-in person's profile) to Russian. */
export async function russian(page: Page) {
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/me') && r.request().method() === 'PATCH');
  await page.locator('label', { hasText: /^RU$/ }).first().click();
  await saved;
  await expect.poll(() => page.evaluate<string>('document.documentElement.lang')).toBe('ru');
}
