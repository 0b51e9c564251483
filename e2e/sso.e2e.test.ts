import net from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdp, type TestIdp } from '../test/support/oidc';
import { startSlapd, type Slapd } from '../test/support/slapd';
import { buildWebApp, startApp, type RunningApp } from './support/app';
import { checkScreen, checksEveryScreen, DESKTOP, ensureChromium, launch, personContext, PHONE } from './support/browser';
import { english, signer } from './support/session';

const SUFFIX = 'dc=client-a,dc=test';
const LDIF = `dn: ${SUFFIX}
objectClass: dcObject
objectClass: organization
dc: client-a
o: Client A

dn: ou=people,${SUFFIX}
objectClass: organizationalUnit
ou: people

dn: cn=tierdesk,${SUFFIX}
objectClass: inetOrgPerson
cn: tierdesk
sn: Service
userPassword: service-password

dn: uid=alice,ou=people,${SUFFIX}
objectClass: inetOrgPerson
uid: alice
cn: Alice Petrova-Ivanova
sn: Petrova
mail: alice@client-a.test

dn: uid=zoe,ou=people,${SUFFIX}
objectClass: inetOrgPerson
uid: zoe
cn: Zoe Newcomer
sn: Newcomer
mail: zoe@client-a.test
`;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });

/** Field labels cut short (wider than their box) on the screen as it is. */
const truncatedLabels = (page: Page) =>
  page.evaluate<string[]>(`[...document.querySelectorAll('label, .mantine-InputWrapper-description, .mantine-Checkbox-label, .mantine-Checkbox-description, button, .mantine-Badge-label')]
    .filter((e) => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflow !== 'visible')
    .map((e) => e.textContent.trim().slice(0, 60))`);

async function labelsFit(page: Page, name: string) {
  for (const size of [DESKTOP, PHONE]) {
    await page.setViewportSize(size);
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    expect(await truncatedLabels(page), `${name} at ${size.width}px`).toEqual([]);
  }
  await page.setViewportSize(DESKTOP);
}

/** Single sign-on and directory sync in a real browser: the admin screens, and signing in through a real IdP. */
describe('single sign-on and directory sync in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  let idp: TestIdp;
  let ldap: Slapd;
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  let admin: Page;

  beforeAll(async () => {
    ensureChromium();
    buildWebApp();
    const port = await freePort();
    app = await startApp({ PORT: String(port) });
    idp = await startIdp({ redirectUris: [`${app.url}/api/v1/auth/sso/callback`] });
    idp.accounts.set('alice', { email: 'alice@client-a.test', email_verified: true, name: 'Alice Petrova', groups: ['staff'] });
    ldap = await startSlapd(SUFFIX, LDIF);
    browser = await launch();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await idp?.stop();
    await ldap?.stop();
    await app?.stop();
  });

  const signIn = (email: string, password?: string, path?: string) => signer(browser, app.url, errors, contexts).signIn(email, password, path);

  it("lets the admin set up an organization's IdP and turn its password sign-in off", async () => {
    admin = await signIn('admin@demo.test', undefined, '/admin/organizations');
    await admin.getByTestId('organizations').getByRole('link', { name: 'Client A Logistics' }).click();
    await admin.waitForURL(/\/admin\/organizations\/[0-9a-f-]{36}$/);
    const form = admin.getByTestId('sso-form');
    await form.getByText(/Not set up/).waitFor();
    await form.getByLabel(/^Issuer URL/).fill(idp.issuer);
    await form.getByLabel(/^Client ID/).fill(idp.clientId);
    await form.getByLabel(/^Client secret/).fill(idp.clientSecret);
    await form.getByLabel(/^Scopes/).fill('openid email profile groups');
    await form.getByRole('button', { name: 'Add a group' }).click();
    await form.getByLabel(/^Group in the IdP/).fill('it-managers');
    await form.getByLabel('Role', { exact: true }).click();
    await admin.getByRole('option', { name: 'Client IT manager' }).click();
    await form.getByRole('checkbox', { name: /also sign in with a password/ }).uncheck();
    await form.getByRole('button', { name: 'Save', exact: true }).click();
    await admin.getByText('Saved.').first().waitFor();
    await form.getByText(/Register this redirect URI/).waitFor();
    await checkScreen(admin, '60-admin-sso');
    await labelsFit(admin, 'organization SSO (en)');
  }, 120_000);

  it('lets the admin set up the directory, run a dry run and read its report', async () => {
    const form = admin.getByTestId('directory-form');
    await form.getByLabel(/^Server URL/).fill(ldap.url);
    await form.getByLabel(/^Bind DN/).fill(`cn=tierdesk,${SUFFIX}`);
    await form.getByLabel(/^Bind password/).fill('service-password');
    await form.getByLabel(/^Base DN/).fill(`ou=people,${SUFFIX}`);
    await form.getByRole('checkbox', { name: /Scheduled sync is on/ }).uncheck();
    await form.getByRole('button', { name: 'Save', exact: true }).click();
    await admin.getByText('Saved.').first().waitFor();
    await form.getByRole('button', { name: 'Dry run' }).click();
    const runs = admin.getByTestId('sync-runs');
    await runs.getByText(/\+1 new, 1 updated/).waitFor();
    await runs.getByRole('button', { name: 'Details' }).first().click();
    const changes = admin.getByTestId('sync-changes');
    await changes.getByText(/zoe@client-a.test/).waitFor();
    await changes.getByText(/name/).first().waitFor();
    await checkScreen(admin, '61-admin-directory');
    await labelsFit(admin, 'directory (en)');
    // In Russian too, nothing is cut short.
    await admin.locator('label', { hasText: /^RU$/ }).first().click();
    await admin.getByText('Синхронизация с каталогом (LDAP / Active Directory)').waitFor();
    await labelsFit(admin, 'organization SSO and directory (ru)');
    await admin.goto('/admin/sso');
    await admin.getByText(/Единый вход для сотрудников/).waitFor();
    await labelsFit(admin, 'staff SSO (ru)');
    await english(admin);
    await admin.getByText(/Single sign-on for the service desk staff/).waitFor();
    await checkScreen(admin, '62-admin-staff-sso');
  }, 120_000);

  it('sends a person of that organization to the IdP from the sign-in screen and back signed in', async () => {
    const context = await personContext(browser, app.url, errors);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto('/sign-in');
    await english(page);
    await page.getByLabel('E-mail').fill('alice@client-a.test');
    await page.getByLabel('E-mail').blur();
    await page.getByText('Your organization signs in with single sign-on.').waitFor();
    await expect.poll(() => page.getByLabel(/^Password/).count()).toBe(0);
    await checkScreen(page, '63-sign-in-sso');
    idp.signInAs = 'alice';
    await page.getByTestId('sso-button').click();
    // Back from the IdP with a session: the requester's home.
    await page.waitForURL(/\/requests$/);
    const me = await page.evaluate<{ email: string }>("fetch('/api/v1/me').then((r) => r.json())");
    expect(me.email).toBe('alice@client-a.test');
  }, 120_000);

  it('explains a refused single sign-on on the sign-in screen, in the reader’s language', async () => {
    const context = await personContext(browser, app.url, errors);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto('/sign-in?sso_error=sso_wrong_organization');
    await english(page);
    await page.getByRole('alert').getByText(/does not belong to this identity provider/).waitFor();
    await page.locator('label', { hasText: /^RU$/ }).first().click();
    await page.getByRole('alert').getByText(/не относится к организации/).waitFor();
    await english(page);
  }, 60_000);

  checksEveryScreen(errors);
});
