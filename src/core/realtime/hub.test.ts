import { describe, expect, it } from 'vitest';
import { mayHear, type Listener, type LiveMessage } from './hub.js';

const msg = (audience: Partial<LiveMessage['audience']> = {}): LiveMessage => ({
  type: 'ticket.replied',
  subjectType: 'ticket',
  subjectId: 't1',
  audience: { organizationId: 'org-a', ownerId: 'alice', internal: false, ...audience },
});
const staff: Listener = { provider: true, organizationId: null, userId: 'agent', wholeOrganization: false };
const alice: Listener = { provider: false, organizationId: 'org-a', userId: 'alice', wholeOrganization: false };
const colleague: Listener = { provider: false, organizationId: 'org-a', userId: 'carl', wholeOrganization: false };
const itManager: Listener = { provider: false, organizationId: 'org-a', userId: 'it', wholeOrganization: true };
const bob: Listener = { provider: false, organizationId: 'org-b', userId: 'bob', wholeOrganization: true };

describe('who hears of a change', () => {
  it('tells the staff of everything, internal changes included', () => {
    expect(mayHear(staff, msg())).toBe(true);
    expect(mayHear(staff, msg({ internal: true }))).toBe(true);
    expect(mayHear(staff, msg({ organizationId: null }))).toBe(true);
  });

  it('tells the owner and the company IT manager of public changes, and nobody else on the client side', () => {
    expect(mayHear(alice, msg())).toBe(true);
    expect(mayHear(itManager, msg())).toBe(true);
    expect(mayHear(colleague, msg())).toBe(false);
    expect(mayHear(bob, msg())).toBe(false);
  });

  it('never tells the client side of internal changes or of provider-only subjects', () => {
    expect(mayHear(alice, msg({ internal: true }))).toBe(false);
    expect(mayHear(itManager, msg({ internal: true }))).toBe(false);
    expect(mayHear(itManager, msg({ organizationId: null }))).toBe(false);
  });
});
