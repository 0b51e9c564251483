import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { registry } from './metrics.js';

describe('the Grafana dashboard', () => {
  it('uses only metric names this process exposes', async () => {
    const dashboard = fs.readFileSync(path.resolve(__dirname, '../../../deploy/grafana/tierdesk.json'), 'utf8');
    const used = new Set([...dashboard.matchAll(/\b((?:tierdesk|process|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1]!.replace(/_(bucket|count|sum)$/, '')));
    const exposed = new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
    expect([...used].filter((name) => !exposed.has(name))).toEqual([]);
    expect(used.size).toBeGreaterThan(15);
  });
});
