import { describe, expect, it } from 'vitest';
import { scopedStorage } from './scoped-storage.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('scopedStorage', () => {
  it('gives each run its value through what it awaits, and none outside', async () => {
    const s = scopedStorage<string>();
    expect(s.get()).toBeUndefined();
    const seen: (string | undefined)[] = [];
    const work = async (name: string) =>
      s.run(name, async () => {
        await tick();
        seen.push(s.get());
        await Promise.resolve();
        seen.push(s.get());
        return name.toUpperCase();
      });
    // Two runs at once, each with its own value, the first ending while the second goes on.
    const [a, b] = await Promise.all([work('a'), (async () => (await tick(), work('b')))()]);
    expect([a, b]).toEqual(['A', 'B']);
    expect(seen.sort()).toEqual(['a', 'a', 'b', 'b']);
    expect(s.get()).toBeUndefined();
  });

  it('works again after every run ended, and after a run that failed', async () => {
    const s = scopedStorage<number>();
    await expect(
      s.run(1, async () => {
        await tick();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(s.get()).toBeUndefined();
    expect(await s.run(2, async () => (await tick(), s.get()))).toBe(2);
    expect(await s.run(3, async () => s.run(4, async () => (await tick(), s.get())))).toBe(4);
    expect(s.get()).toBeUndefined();
  });
});
