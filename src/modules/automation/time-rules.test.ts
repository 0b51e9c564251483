import { describe, expect, it } from 'vitest';
import { prefiltersOf } from './time-rules.js';

describe('what a time rule narrows by in SQL', () => {
  it('takes is/in (and their negations) on fixed-value fields from all and none, in the stored case', () => {
    expect(
      prefiltersOf({
        all: [
          { field: 'ticket.priority', op: 'in', value: ['p1', 'P2'] },
          { field: 'ticket.status', op: 'is_not', value: 'Pending_Vendor' },
        ],
        none: [{ field: 'ticket.line', op: 'is', value: 'l3' }],
      }),
    ).toEqual([
      { column: 'priority', op: 'in', values: ['P1', 'P2'] },
      { column: 'status', op: 'not_in', values: ['pending_vendor'] },
      { column: 'line', op: 'not_in', values: ['L3'] },
    ]);
  });

  it('leaves to the full check what SQL cannot say the same way', () => {
    expect(
      prefiltersOf({
        all: [
          { field: 'ticket.subject', op: 'is', value: 'VPN' },
          { field: 'ticket.priority', op: 'changed_to', value: 'P1' },
          { field: 'ticket.priority', op: 'gt', value: 'P2' },
        ],
        // One of several: no single condition is implied.
        any: [{ field: 'ticket.priority', op: 'is', value: 'P1' }],
      }),
    ).toEqual([]);
  });
});
