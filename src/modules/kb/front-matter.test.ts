import { describe, expect, it } from 'vitest';
import { readPageFile, slug, writePageFile } from './front-matter.js';

describe('Markdown files with front matter', () => {
  it('round-trips a page', () => {
    const page = { title: 'Принтер: "пустые" страницы', locale: 'ru', tags: ['printer', 'toner'], parent: 'Printing', template: 'solution', body: '## Симптомы\n\n---\n\nText\n' };
    expect(readPageFile(writePageFile(page), 'x.md')).toEqual(page);
  });

  it('reads hand-written YAML values', () => {
    expect(readPageFile('---\ntitle: VPN setup\ntags: [vpn, network]\n---\nBody', 'a.md')).toEqual({ title: 'VPN setup', tags: ['vpn', 'network'], body: 'Body' });
  });

  it('takes the title from the first heading, else from the file name', () => {
    expect(readPageFile('# Reset a password\n\nSteps', 'x.md')).toEqual({ title: 'Reset a password', body: 'Steps' });
    expect(readPageFile('Just text', 'folder/reset-the_password.md')).toEqual({ title: 'reset the password', body: 'Just text' });
  });

  it('makes file names of any script', () => {
    expect(slug('Принтер: пустые страницы!')).toBe('принтер-пустые-страницы');
    expect(slug('***')).toBe('page');
  });
});
