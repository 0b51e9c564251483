import { describe, expect, it } from 'vitest';
import { agentsNeeded, averageSpeedOfAnswer, erlangB, erlangC, serviceLevel } from './erlang.js';

describe('Erlang C against published values', () => {
  it('gives the textbook values of Erlang B and C', () => {
    // Erlang B tables: 2 Erlangs offered to 5 trunks are blocked 3.67 % of the time.
    expect(erlangB(5, 2)).toBeCloseTo(0.0367, 4);
    // M/M/3 with offered load a = 2: ErlangC[3, 2] = 4/9 exactly (e.g. Wolfram's ErlangC reference).
    expect(erlangC(3, 2)).toBeCloseTo(4 / 9, 12);
    // One agent: the probability of waiting is the load itself.
    expect(erlangC(1, 0.5)).toBeCloseTo(0.5, 12);
    expect(erlangC(2, 2)).toBe(1);
    expect(erlangC(5, 0)).toBe(0);
  });

  it('reproduces the Call Centre Helper worked example: 100 calls per half hour, 180 s handling, 80 % in 20 s', () => {
    // "Erlang C Formula – Made Simple", callcentrehelper.com: traffic A = 100 × 180 / 1800 = 10 Erlangs.
    // Published: agents, probability of waiting, service level (answered within 20 s).
    const published: [number, number, number][] = [
      [11, 0.6821, 0.3896],
      [12, 0.4494, 0.6402],
      [13, 0.2853, 0.7956],
      [14, 0.1741, 0.8884],
      [15, 0.102, 0.9415],
    ];
    for (const [agents, wait, level] of published) {
      expect(erlangC(agents, 10)).toBeCloseTo(wait, 4);
      expect(serviceLevel(agents, 10, 20, 180)).toBeCloseTo(level, 4);
    }
    // 14 agents are the fewest to answer 80 % within 20 seconds; their average speed of answer is 7.8 s.
    expect(agentsNeeded(10, 20, 180, 0.8)).toBe(14);
    expect(averageSpeedOfAnswer(14, 10, 180)).toBeCloseTo(7.84, 2);
  });

  it('stays finite and monotonic for a large centre', () => {
    // 1 000 Erlangs: the recursion must not overflow where A^N / N! would.
    const n = agentsNeeded(1000, 20, 180, 0.8);
    expect(n).toBeGreaterThan(1000);
    expect(n).toBeLessThan(1060);
    expect(serviceLevel(n, 1000, 20, 180)).toBeGreaterThanOrEqual(0.8);
    expect(serviceLevel(n - 1, 1000, 20, 180)).toBeLessThan(0.8);
    expect(agentsNeeded(0, 20, 180, 0.8)).toBe(0);
  });
});
