import { describe, expect, it } from 'vitest';
import { priorityFor } from './priority.js';

describe('priorityFor', () => {
  it('follows the impact × urgency matrix', () => {
    expect(priorityFor('high', 'high')).toBe('P1');
    expect(priorityFor('high', 'medium')).toBe('P2');
    expect(priorityFor('medium', 'high')).toBe('P2');
    expect(priorityFor('medium', 'medium')).toBe('P3');
    expect(priorityFor('low', 'high')).toBe('P3');
    expect(priorityFor('high', 'low')).toBe('P3');
    expect(priorityFor('medium', 'low')).toBe('P4');
    expect(priorityFor('low', 'low')).toBe('P4');
  });

  it('never ranks a request lower when impact or urgency rises', () => {
    const levels = ['low', 'medium', 'high'] as const;
    for (const [i, impact] of levels.entries())
      for (const [j, urgency] of levels.entries()) {
        const p = priorityFor(impact, urgency);
        if (i < 2) expect(priorityFor(levels[i + 1]!, urgency) <= p).toBe(true);
        if (j < 2) expect(priorityFor(impact, levels[j + 1]!) <= p).toBe(true);
      }
  });
});
