import { describe, expect, it } from 'vitest';
import { scopedValue } from './scoped.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('scopedValue', () => {
  it('is seen by the run and what it awaits, not outside it nor after it', async () => {
    const v = scopedValue<string>();
    expect(v.get()).toBeUndefined();
    const seen = await v.run('a', async () => {
      await tick();
      return [v.get(), await (async () => (await tick(), v.get()))()];
    });
    expect(seen).toEqual(['a', 'a']);
    expect(v.get()).toBeUndefined();
  });

  it('keeps each of concurrent and nested runs its own value until the last one ends', async () => {
    const v = scopedValue<string>();
    let outside: string | undefined = 'unset';
    const slow = v.run('slow', async () => {
      await tick();
      await tick();
      const inner = await v.run('inner', async () => (await tick(), v.get()));
      return [inner, v.get()];
    });
    const fast = v.run('fast', async () => (await tick(), v.get()));
    await tick();
    outside = v.get();
    expect(await fast).toBe('fast');
    expect(outside).toBeUndefined();
    expect(await slow).toEqual(['inner', 'slow']);
    // Once every run ended the storage is off; a later run sets its value again.
    expect(await v.run('again', async () => (await tick(), v.get()))).toBe('again');
    expect(v.get()).toBeUndefined();
  });

  it('ends a run whose function throws at once or rejects, and passes the error on', async () => {
    const v = scopedValue<string>();
    expect(() =>
      v.run('x', () => {
        throw new Error('at once');
      }),
    ).toThrow('at once');
    await expect(v.run('y', async () => Promise.reject(new Error('later')))).rejects.toThrow('later');
    expect(await v.run('z', async () => (await tick(), v.get()))).toBe('z');
  });
});
