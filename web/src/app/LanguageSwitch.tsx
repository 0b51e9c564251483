import { SegmentedControl } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { patch } from '../api/client';
import { keys } from '../api/queries';
import type { Me } from '../api/types';
import { setLanguage, type Lang } from '../i18n';
import { notifyError } from '../ui/feedback';

/** The language switch: remembered in the browser and, when signed in, in the person's profile. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const me = qc.getQueryData<Me | null>(keys.me);
  const change = async (lang: string) => {
    setLanguage(lang as Lang);
    if (!me) return;
    try {
      const p = await patch<Me>('/me', { locale: lang });
      qc.setQueryData(keys.me, { ...me, ...p, csrfToken: me.csrfToken });
    } catch (e) {
      notifyError(t, e);
    }
  };
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('lang.label')}
      value={i18n.language === 'ru' ? 'ru' : 'en'}
      onChange={change}
      data={[
        { value: 'en', label: 'EN' },
        { value: 'ru', label: 'RU' },
      ]}
    />
  );
}
