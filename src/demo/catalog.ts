import type { AppContext } from '../modules/db.js';
import type { Actor } from '../modules/identity/index.js';
import * as catalog from '../modules/catalog/catalog.service.js';
import type { FormField } from '../modules/catalog/catalog.tables.js';

const text = (key: string, label: string, labelRu: string, required = true): FormField => ({ key, kind: 'text', label, labelRu, required });

/**
 * The demo's service catalog — a new employee's account, access to a folder, a laptop, and a
 * server maintenance that the client's IT manager approves — and one such change waiting for
 * Igor's approval, ordered by Alice for the coming Saturday night.
 */
export async function seedDemoCatalog(app: AppContext, p: { admin: Actor; requester: Actor; planIds: string[]; categories: { password: string; printer: string; ad: string } }) {
  const all = { planIds: p.planIds, active: true, firstResponseMinutes: null, resolutionMinutes: null, description: '', descriptionRu: '' };
  await catalog.createItem(app, p.admin, {
    ...all,
    name: 'New employee account',
    nameRu: 'Учётная запись нового сотрудника',
    description: 'An account, a mailbox and the usual access for a new colleague, ready on their first day.',
    descriptionRu: 'Учётная запись, почтовый ящик и обычные доступы для нового сотрудника к первому рабочему дню.',
    type: 'service_request',
    categoryId: p.categories.password,
    line: 'L1',
    needsApproval: false,
    resolutionMinutes: 960,
    position: 1,
    fields: [
      text('full_name', 'Full name', 'ФИО'),
      { key: 'start_date', kind: 'date', label: 'First working day', labelRu: 'Первый рабочий день', required: true },
      { key: 'department', kind: 'choice', label: 'Department', labelRu: 'Отдел', required: true, options: [{ value: 'sales', label: 'Sales', labelRu: 'Продажи' }, { value: 'warehouse', label: 'Warehouse', labelRu: 'Склад' }, { value: 'office', label: 'Office', labelRu: 'Офис' }] },
      { key: 'manager', kind: 'person', label: 'Line manager', labelRu: 'Руководитель', required: false },
    ],
  });
  await catalog.createItem(app, p.admin, {
    ...all,
    name: 'Access to a shared folder',
    nameRu: 'Доступ к общей папке',
    description: 'Read or write access for a colleague to a folder on the file server.',
    descriptionRu: 'Доступ на чтение или запись к папке на файловом сервере.',
    type: 'service_request',
    categoryId: p.categories.ad,
    line: 'L2',
    needsApproval: false,
    position: 2,
    fields: [
      text('folder', 'Folder (path)', 'Папка (путь)'),
      { key: 'access', kind: 'choice', label: 'Access', labelRu: 'Доступ', required: true, options: [{ value: 'read', label: 'Read', labelRu: 'Чтение' }, { value: 'write', label: 'Read and write', labelRu: 'Чтение и запись' }] },
      { key: 'person', kind: 'person', label: 'For whom', labelRu: 'Для кого', required: true },
    ],
  });
  await catalog.createItem(app, p.admin, {
    ...all,
    name: 'New laptop',
    nameRu: 'Новый ноутбук',
    description: 'A laptop set up with the company software.',
    descriptionRu: 'Ноутбук с установленным ПО компании.',
    type: 'service_request',
    categoryId: p.categories.printer,
    line: 'L1',
    needsApproval: false,
    position: 3,
    fields: [
      { key: 'model', kind: 'choice', label: 'Model', labelRu: 'Модель', required: true, options: [{ value: 'standard', label: 'Standard 14"', labelRu: 'Стандартный 14"' }, { value: 'power', label: 'Powerful 16"', labelRu: 'Мощный 16"' }] },
      { key: 'needed_by', kind: 'date', label: 'Needed by', labelRu: 'Нужен к', required: false },
      { key: 'approval_scan', kind: 'file', label: 'Signed purchase request', labelRu: 'Подписанная заявка на покупку', required: false },
    ],
  });
  const maintenance = await catalog.createItem(app, p.admin, {
    ...all,
    name: 'Server maintenance',
    nameRu: 'Обслуживание сервера',
    description: 'Planned work on a server (updates, firmware, hardware) in an agreed window, approved by your IT manager.',
    descriptionRu: 'Плановые работы на сервере (обновления, прошивка, оборудование) в согласованное окно, с согласования вашего ИТ-руководителя.',
    type: 'change',
    categoryId: p.categories.ad,
    line: 'L2',
    needsApproval: true,
    position: 4,
    fields: [text('server', 'Server', 'Сервер'), text('reason', 'Why', 'Зачем', false)],
  });

  // Next Saturday 22:00–02:00 Moscow time (19:00–23:00 UTC), a week out at most.
  const now = app.clock.now();
  const saturday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + ((6 - now.getUTCDay() + 7) % 7 || 7), 19));
  await catalog.orderItem(
    app,
    p.requester,
    maintenance,
    {
      answers: { server: 'FS-01 (file server)', reason: 'Firmware update recommended by the vendor' },
      change: {
        risk: 'medium',
        plan: '1. Announce the downtime.\n2. Back up the configuration.\n3. Update the RAID controller firmware and reboot.\n4. Check the shares.',
        rollbackPlan: 'Flash the previous firmware from the backup and restore the configuration.',
        windowStart: saturday.toISOString(),
        windowEnd: new Date(saturday.getTime() + 4 * 3_600_000).toISOString(),
      },
    },
    new Map(),
    'session',
  );
}
