/**
 * Examples shown in the API reference (/api/docs) for the calls people start with: signing in,
 * tokens, and creating, listing, reading and commenting on requests. Demo data names only.
 */

const person = {
  id: '6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
  email: 'l1@demo.test',
  name: 'Lena L1',
  role: 'agent',
  organizationId: null,
  line: 'L1',
  languages: ['ru', 'en'],
  skills: ['workplace', 'printers'],
  locale: 'ru',
  timeZone: 'Europe/Moscow',
  phone: null,
  availability: 'available',
  active: true,
};

export const loginExample = { email: 'l1@demo.test', password: 'tierdesk-demo' };
export const loginResponseExample = { user: person, csrfToken: 'n1Qk0f3Jw6r2TqZb8yVh4A' };
export const apiTokenCreateExample = { name: 'Monitoring integration' };
export const newApiTokenExample = {
  id: '0b7e1d4c-2a3f-4b5c-9d8e-7f6a5b4c3d2e',
  name: 'Monitoring integration',
  token: 'td_4mQ9vX2pL7sR1nB8cZ5wY3tK6hJ0gF8aD2eWq7Lx1Ns',
  createdAt: '2026-12-06T09:30:00.000Z',
  readOnly: false,
  expiresAt: null,
};

export const ticketCreateExample = {
  subject: 'Printer on the 3rd floor does not print',
  description: 'Since this morning the HP LaserJet in room 305 shows "Paper jam" though there is no paper inside.',
  type: 'incident',
  impact: 'medium',
  urgency: 'high',
  tags: ['printer'],
};

const ref = (id: string, name: string) => ({ id, name });
export const ticketExample = {
  id: '3d2c1b0a-9f8e-4d7c-8b6a-5f4e3d2c1b0a',
  number: 'TD-000042',
  type: 'incident',
  subject: ticketCreateExample.subject,
  description: ticketCreateExample.description,
  status: 'open',
  priority: 'P2',
  channel: 'web',
  line: 'L1',
  organizationId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  organization: ref('9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', 'Client A'),
  requester: { ...ref('1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', 'Alice Petrova'), email: 'alice@client-a.test' },
  categoryId: null,
  assignee: ref(person.id, person.name),
  version: 3,
  createdAt: '2026-12-06T07:12:40.000Z',
  updatedAt: '2026-12-06T07:20:05.000Z',
  resolvedAt: null,
  closedAt: null,
  watchers: [],
};

export const ticketPageExample = {
  items: [
    {
      ...ticketExample,
      sla: { metric: 'first_response', line: null, state: 'running', targetMinutes: 60, leftMinutes: 42, usedShare: 0.3, dueAt: '2026-12-06T08:12:40.000Z', breached: false },
    },
  ], nextCursor: 'eyJrIjoiMjAyNi0xMi0wNlQwNzoxMjo0MC4wMDBaIn0' };

export const commentExample = { body: 'Please switch the printer off and on again; an engineer is on the way.', internal: false };
export const timelineEntryExample = {
  id: 1187,
  kind: 'reply',
  internal: false,
  author: ref(person.id, person.name),
  body: commentExample.body,
  event: null,
  attachments: [
    {
      id: '5c4b3a29-1807-4f6e-9d5c-4b3a29180706',
      filename: 'printer-menu.png',
      contentType: 'image/png',
      size: 48213,
      url: `/api/v1/tickets/${ticketExample.id}/attachments/5c4b3a29-1807-4f6e-9d5c-4b3a29180706`,
    },
  ],
  createdAt: '2026-12-06T07:20:05.000Z',
};
