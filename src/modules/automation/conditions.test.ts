import { describe, expect, it } from 'vitest';
import type { ConditionGroup } from '../../contracts/automation.js';
import { evaluate, mayMatch, type RuleFacts } from './conditions.js';
import { judgedOnRow } from './facts.js';

const onRow: RuleFacts = { values: { 'ticket.priority': 'P3', 'ticket.subject': 'The printer jams' }, changes: {}, at: new Date('2026-06-03T09:00:00Z') };
const full: RuleFacts = { ...onRow, values: { ...onRow.values, 'ticket.tags': ['vip'], 'requester.email': 'alice@client-a.test' } };

describe('mayMatch: rules decided on the row before anything is read', () => {
  const cases: [string, ConditionGroup][] = [
    ['an all on the row that fails', { all: [{ field: 'ticket.priority', op: 'is', value: 'P1' }, { field: 'ticket.tags', op: 'is', value: 'vip' }] }],
    ['an all on the row that holds, with one read', { all: [{ field: 'ticket.priority', op: 'is', value: 'P3' }, { field: 'ticket.tags', op: 'is', value: 'vip' }] }],
    ['every any on the row failing', { any: [{ field: 'ticket.subject', op: 'contains', value: 'scanner' }, { field: 'ticket.body', op: 'matches', value: '^x' }] }],
    ['an any left to a field read', { any: [{ field: 'ticket.subject', op: 'contains', value: 'scanner' }, { field: 'requester.email', op: 'matches', value: '^alice@' }] }],
    ['a none on the row that holds', { none: [{ field: 'ticket.subject', op: 'contains', value: 'printer' }] }],
    ['a none left to a field read', { none: [{ field: 'ticket.tags', op: 'is', value: 'vip' }] }],
    ['business hours, which need the calendar', { all: [{ field: 'event.time', op: 'out_of_business_hours' }] }],
  ];
  it.each(cases)('never leaves out a rule that matches on every fact: %s', (_, group) => {
    const may = mayMatch(group, onRow, judgedOnRow);
    if (evaluate(group, full).matched) expect(may).toBe(true);
  });
  it('leaves out the rules the row decides, and only those', () => {
    expect(cases.map(([, g]) => mayMatch(g, onRow, judgedOnRow))).toEqual([false, true, false, true, false, true, true]);
  });
});
