import { describe, expect, it } from 'vitest';
import { firstName, renderPlaceholders, unknownPlaceholders, type PlaceholderValues } from './placeholders.js';

const values: PlaceholderValues = {
  'requester.name': 'Alice Smith',
  'requester.firstName': 'Alice',
  'requester.email': 'alice@client-a.test',
  'ticket.number': 'TD-42',
  'ticket.subject': 'Printer {{agent.name}}',
  'agent.name': 'Lena Petrova',
  'agent.firstName': 'Lena',
  'organization.name': 'Client A',
};

describe('placeholders', () => {
  it('fills known names, with or without spaces inside the braces', () => {
    expect(renderPlaceholders('Hello {{requester.firstName}}, about {{ ticket.number }} — {{agent.name}}', values)).toBe(
      'Hello Alice, about TD-42 — Lena Petrova',
    );
  });

  it('does not fill placeholders that arrive inside a value (no second pass)', () => {
    expect(renderPlaceholders('Re: {{ticket.subject}}', values)).toBe('Re: Printer {{agent.name}}');
  });

  it('names the unknown placeholders once each and leaves them in the text', () => {
    expect(unknownPlaceholders('{{requester.password}} {{ constructor }} {{requester.password}} {{ticket.number}}')).toEqual(['requester.password', 'constructor']);
    expect(renderPlaceholders('{{__proto__}}', values)).toBe('{{__proto__}}');
    expect(unknownPlaceholders('no placeholders { here }')).toEqual([]);
  });

  it('takes the first word of a name', () => {
    expect(firstName('  Иван Петров ')).toBe('Иван');
  });
});
