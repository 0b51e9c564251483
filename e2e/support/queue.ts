import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { ru } from '../../web/src/i18n/ru';

/** The rows of the list of requests on the page. */
export const rows = (page: Page) => page.getByTestId('ticket-table').locator('tbody tr');

/** How far the page and the list stick out sideways (0 when they fit the window). */
export const sideways = (page: Page) =>
  page.evaluate<{ page: number; table: number }>(`(() => {
    const t = document.querySelector('[data-testid="ticket-table"]');
    return { page: Math.max(0, document.documentElement.scrollWidth - innerWidth), table: Math.max(0, t.scrollWidth - t.parentElement.clientWidth) };
  })()`);

/**
 * Every status and priority badge of the list in Russian shows its whole label: its rendered text
 * equals the full label, and it is no wider than its box. `staff`: the statuses as staff read them.
 */
export async function badgesWhole(page: Page, staff = true) {
  const shown = await page.evaluate<{ kind: string; key: string; text: string; cut: boolean }[]>(`[...document.querySelectorAll('[data-testid="ticket-table"] [data-status], [data-testid="ticket-table"] [data-priority]')]
    .map((b) => {
      // The light list's badges are their own label.
      const label = b.querySelector('.mantine-Badge-label') || b;
      return {
        kind: b.hasAttribute('data-status') ? 'status' : 'priority',
        key: b.getAttribute('data-status') || b.getAttribute('data-priority'),
        text: b.innerText.trim(),
        cut: label.scrollWidth > label.clientWidth + 1,
      };
    })`);
  expect(shown.length).toBeGreaterThan(0);
  for (const b of shown) {
    const full = b.kind === 'priority' ? ru.priority[b.key as 'P1'] : (staff && (ru.statusStaff as Record<string, string>)[b.key]) || ru.status[b.key as 'new'];
    expect(b.text, `${b.kind} ${b.key}`).toBe(full);
    expect(b.cut, `${b.kind} ${b.key} cut`).toBe(false);
  }
}

/** The list is in SLA order: the running clocks by due instant first, those without one after them. */
export async function dueFirst(page: Page) {
  const dues = await rows(page).evaluateAll((trs) => trs.map((tr) => tr.querySelector('[data-col="sla"] [data-due]')?.getAttribute('data-due') ?? null));
  const cut = dues.includes(null) ? dues.indexOf(null) : dues.length;
  const known = dues.slice(0, cut) as string[];
  return known.length > 0 && known.join() === [...known].sort().join() && dues.slice(cut).every((d) => d === null);
}
