import { describe, expect, it } from 'vitest';
import { parseCsv, readTable } from './read-table.js';

describe('reading an import file', () => {
  it('parses quoted cells, doubled quotes, line breaks inside quotes and either separator', () => {
    expect(parseCsv('a,b\r\n"x, ""y""","line 1\nline 2"\n')).toEqual([['a', 'b'], ['x, "y"', 'line 1\nline 2']]);
    expect(parseCsv('Почта;Имя\nivan@a.test;Иван')).toEqual([['Почта', 'Имя'], ['ivan@a.test', 'Иван']]);
  });

  it('refuses a quote left open, naming the file', () => {
    expect(() => parseCsv('Name\n"Acme')).toThrow(expect.objectContaining({ details: [expect.objectContaining({ path: 'file' })] }));
  });

  it('numbers rows as a spreadsheet does, skipping blank ones', async () => {
    const sheet = await readTable({ filename: 'x.csv', data: Buffer.from('\uFEFFName\n\nAcme\n') });
    expect(sheet).toEqual({ headers: ['Name'], rows: [{ number: 3, cells: ['Acme'] }] });
  });

  it('reads a Windows-1251 CSV as Russian Excel saves it', async () => {
    const data = Buffer.from([0xcf, 0xee, 0xf7, 0xf2, 0xe0, 0x0a, 0x61]); // "Почта\na"
    expect((await readTable({ filename: 'x.csv', data })).headers).toEqual(['Почта']);
  });
});
