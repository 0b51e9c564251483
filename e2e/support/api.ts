import { expect } from 'vitest';
import { PASSWORD } from './session';

/** One call to the API as a signed-in person: the HTTP status and the parsed body. */
export type Api = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

/** Signs in over the API as a demo person (its own cookie jar), as a program would: for set-ups and checks. */
export async function apiAs(baseUrl: string, email: string): Promise<Api> {
  const r = await fetch(`${baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
  expect(r.status).toBe(200);
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = (await r.json()) as { csrfToken: string };
  return async (method, path, body) => {
    const res = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrfToken, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  };
}

/**
 * Client A's plan round the clock with a one-minute L1 budget (set by the demo admin): the 75 %
 * warning comes 45 s after a request of Client A's people.
 */
export async function oneMinuteL1Budget(baseUrl: string) {
  const admin = await apiAs(baseUrl, 'admin@demo.test');
  const org = (await admin('GET', '/organizations')).body.items.find((o: any) => o.name === 'Client A Logistics');
  const sla = (await admin('GET', `/plans/${org.planId}/sla`)).body;
  const put = await admin('PUT', `/plans/${org.planId}/sla`, {
    calendarId: null,
    extendedCalendarId: null,
    pauseOnVendor: sla.pauseOnVendor,
    policies: sla.policies.map((p: any) => ({ priority: p.priority, ...(p.ticketType && p.ticketType !== '*' && { ticketType: p.ticketType }), firstResponseMinutes: p.firstResponseMinutes, resolutionMinutes: p.resolutionMinutes, l1BudgetMinutes: 1, l2BudgetMinutes: 0 })),
  });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
}
