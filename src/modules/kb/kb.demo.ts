import type { AppContext } from '../db.js';
import type { Actor } from '../identity/index.js';
import { findTicketById, listResolvedTicketIds } from '../tickets/index.js';
import { createPage, linkTranslation, type PageInput } from './pages.service.js';
import { linkSolution } from './solutions.service.js';
import { createSpace } from './spaces.service.js';

/**
 * The demo knowledge base: an internal space, a help centre every client reads and a space for
 * client A only; pages in English and Russian that link to each other (one link still wanted), a
 * translation pair, and a solution article marked on a resolved demo request.
 */
export async function seedKnowledgeBase(app: AppContext, people: { manager: Actor; author: Actor; organizationId: string }) {
  const { manager, author } = people;
  const help = await createSpace(app, manager, {
    key: 'help',
    name: 'Help centre',
    nameRu: 'Справочный центр',
    description: 'Answers for our clients’ people.',
    visibility: 'public',
  });
  const clientA = await createSpace(app, manager, {
    key: 'client-a',
    name: 'Client A Logistics',
    nameRu: 'Клиент A: логистика',
    description: 'Notes for the people of Client A only.',
    visibility: 'organizations',
    organizationIds: [people.organizationId],
  });
  const page = (title: string, body: string, extra: Partial<PageInput> = {}) =>
    createPage(app, author, { title, body, ...extra });

  const printing = await page('Printing problems', 'What to try when a printer misbehaves:\n\n- [[Printer prints blank pages]]\n- [[Replace the toner cartridge]]\n', { spaceId: help.id, tags: ['printer'] });
  const blank = await page(
    'Printer prints blank pages',
    '## Symptoms\n\nThe printer takes the paper but the pages come out blank.\n\n## Cause\n\nThe toner cartridge is empty or its seal was not removed.\n\n## Resolution\n\n1. Open the front cover.\n2. Follow [[Replace the toner cartridge]].\n3. Print a test page.\n\n## Applies to\n\nHP LaserJet printers. See also [[Printing problems]].\n',
    { spaceId: help.id, parentId: printing, tags: ['printer', 'toner'], template: 'solution', locale: 'en' },
  );
  const blankRu = await page(
    'Принтер печатает пустые страницы',
    '## Симптомы\n\nПринтер захватывает бумагу, но страницы выходят пустыми.\n\n## Причина\n\nЗакончился тонер или с картриджа не снята защитная лента.\n\n## Решение\n\n1. Откройте переднюю крышку.\n2. Замените картридж: [[Replace the toner cartridge|инструкция по замене картриджа]].\n3. Напечатайте пробную страницу.\n',
    { spaceId: help.id, parentId: printing, tags: ['printer', 'toner'], template: 'solution', locale: 'ru' },
  );
  await linkTranslation(app, author, blank, blankRu);
  await page('Replace the toner cartridge', '1. Open the front cover.\n2. Pull the old cartridge out by its handle.\n3. Remove the orange seal from the new one and slide it in until it clicks.\n', { spaceId: help.id, parentId: printing, tags: ['printer', 'toner'], template: 'how-to' });
  const reset = await page('How to reset your password', 'Use **Forgot password** on the sign-in page; the link in the e-mail is valid for an hour.\n\nStill locked out? Make a request and we will help.\n', { spaceId: help.id, tags: ['password'], locale: 'en' });
  await page('Как сбросить пароль', 'Нажмите **Забыли пароль?** на странице входа; ссылка из письма действует один час.\n\nНе получается войти? Оставьте обращение, и мы поможем.\n', { spaceId: help.id, tags: ['password'], translationOf: reset });

  await page('Warehouse label printers', 'The Zebra label printers at the warehouse print through the server `wh-print-01`.\n\nBlank labels: see [[help:Printer prints blank pages]].\n', { spaceId: clientA.id, tags: ['printer'] });

  await page('Escalation checklist', 'Before moving a request to L2:\n\n1. Search the knowledge base.\n2. Note what you tried in an internal note.\n3. Say why in the reason.\n\nVPN problems: [[VPN disconnects every 10 minutes]].\n', { template: 'how-to', tags: ['process'] });
  await page(
    'VPN disconnects every 10 minutes',
    '## Symptoms\n\nThe VPN client drops the connection every 10 minutes when working from home.\n\n## Cause\n\nThe home router closes idle UDP sessions.\n\n## Resolution\n\nSwitch the VPN profile to TCP 443, or set keep-alive to 60 seconds.\n\n## Applies to\n\nThe VPN client on company laptops. Locked out after many attempts? [[help:How to reset your password]].\n',
    { template: 'solution', tags: ['vpn', 'network'] },
  );
  await page('Проблемы с 1С', 'Касса не подключается к 1С: проверьте [[Сервер лицензий 1С]] и сетевое подключение магазина.\n', { tags: ['1c'], locale: 'ru' });

  // The resolved demo request about a label printer gets its solution article.
  for (const id of await listResolvedTicketIds(app.db)) {
    const t = await findTicketById(app.db, id);
    if (!t?.subject.startsWith('Install the new label printer')) continue;
    const article = await page(
      'Installing a Zebra label printer',
      '## Symptoms\n\nA new Zebra label printer is not found by the warehouse PCs.\n\n## Resolution\n\n1. Install the ZDesigner driver.\n2. Share the printer from the print server.\n\n## Applies to\n\nZebra ZD-series printers.\n',
      { template: 'solution', tags: ['printer'] },
    );
    await linkSolution(app, author, id, article);
    break;
  }
}
