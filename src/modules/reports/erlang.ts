/**
 * The Erlang C model of a queue with N agents (M/M/N): requests arrive at random (Poisson), each
 * takes an exponentially distributed handling time, and wait until an agent is free. Traffic A, in
 * Erlangs, is the arrival rate times the average handling time (in one time unit).
 */

/** Erlang B (the blocking probability), by the recursion that stays stable for hundreds of agents. */
export function erlangB(agents: number, traffic: number): number {
  let b = 1;
  for (let k = 1; k <= agents; k++) b = (traffic * b) / (k + traffic * b);
  return b;
}

/** Erlang C: the probability that a request has to wait; 1 when the agents cannot keep up (N ≤ A). */
export function erlangC(agents: number, traffic: number): number {
  if (traffic <= 0) return 0;
  if (agents <= traffic) return 1;
  const b = erlangB(agents, traffic);
  return (agents * b) / (agents - traffic * (1 - b));
}

/** The share of requests picked up within `wait` (in the unit of `aht`, the average handling time). */
export function serviceLevel(agents: number, traffic: number, wait: number, aht: number): number {
  if (traffic <= 0) return 1;
  if (agents <= traffic) return 0;
  return 1 - erlangC(agents, traffic) * Math.exp((-(agents - traffic) * wait) / aht);
}

/** The average wait before pickup (in the unit of `aht`). */
export function averageSpeedOfAnswer(agents: number, traffic: number, aht: number): number {
  if (agents <= traffic) return Infinity;
  return (erlangC(agents, traffic) * aht) / (agents - traffic);
}

/** The fewest agents that pick up `targetShare` of the requests within `wait`. */
export function agentsNeeded(traffic: number, wait: number, aht: number, targetShare: number): number {
  if (traffic <= 0) return 0;
  let n = Math.floor(traffic) + 1;
  while (serviceLevel(n, traffic, wait, aht) < targetShare) n++;
  return n;
}
