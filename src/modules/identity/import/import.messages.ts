/** Why a row of an import cannot be taken, in both languages (the screen shows the reader's). */
export const ROW_PROBLEMS = {
  missing_column: { en: 'This column is required and missing from the header', ru: 'Обязательный столбец отсутствует в заголовке' },
  unknown_column: { en: 'Unknown column; it would be ignored', ru: 'Неизвестный столбец; он был бы пропущен' },
  required: { en: 'A value is required', ru: 'Нужно значение' },
  bad_email: { en: 'Not an e-mail address', ru: 'Это не адрес электронной почты' },
  bad_role: { en: 'Unknown role (requester, IT manager, agent, manager, admin)', ru: 'Неизвестная роль (заявитель, ИТ-менеджер, агент, менеджер, администратор)' },
  bad_line: { en: 'Unknown line (L1, L2, L3)', ru: 'Неизвестная линия (L1, L2, L3)' },
  bad_language: { en: 'Unknown language (en, ru)', ru: 'Неизвестный язык (en, ru)' },
  bad_date: { en: 'Not a date (YYYY-MM-DD)', ru: 'Это не дата (ГГГГ-ММ-ДД)' },
  dates_reversed: { en: 'The contract ends before it starts', ru: 'Договор заканчивается раньше, чем начинается' },
  bad_phone: { en: 'Not a phone number; write it with the country code', ru: 'Это не номер телефона; укажите его с кодом страны' },
  bad_domain: { en: 'Not a domain name', ru: 'Это не доменное имя' },
  unknown_plan: { en: 'No plan with this code or name', ru: 'Нет тарифа с таким кодом или названием' },
  unknown_organization: { en: 'No organization with this name', ru: 'Нет организации с таким названием' },
  client_needs_organization: { en: 'A client-side person needs an organization', ru: 'Сотруднику клиента нужна организация' },
  staff_no_organization: { en: 'Staff belong to no client organization', ru: 'Сотрудники поддержки не относятся к организации клиента' },
  line_only_staff: { en: 'Only staff have a support line', ru: 'Линия поддержки есть только у сотрудников поддержки' },
  duplicate_in_file: { en: 'The same value appears in an earlier row of this file', ru: 'Это значение уже встречается в строке выше' },
  domain_taken: { en: 'The domain belongs to another organization', ru: 'Домен принадлежит другой организации' },
  rejected: { en: 'Refused when saving', ru: 'Отклонено при сохранении' },
} as const;

export type RowProblem = keyof typeof ROW_PROBLEMS;
