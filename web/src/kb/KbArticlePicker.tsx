import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get } from '../api/client';
import { useKbPage, type SearchResult } from './kb.api';

/**
 * Picks a knowledge-base article by searching its pages as the reader types (the search of the KB's
 * home page); the article picked is shown by its title, also before anything is searched.
 */
export function KbArticlePicker({ value, onChange, label, miw = 260 }: { value: string | null; onChange: (pageId: string | null) => void; label: string; miw?: number }) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const current = useKbPage(value ?? '');
  const results = useQuery({
    queryKey: ['kb', 'search', q],
    queryFn: () => get<{ items: SearchResult[] }>(`/kb/search?kind=page&q=${encodeURIComponent(q)}`),
    enabled: q.length >= 2,
  });
  const options = (results.data?.items ?? []).map((p) => ({ value: p.id, label: p.title }));
  if (value && current.data && !options.some((o) => o.value === value)) options.unshift({ value, label: current.data.title });
  return (
    <Select
      label={label}
      miw={miw}
      style={{ flexGrow: 1 }}
      searchable
      clearable
      value={value}
      onChange={onChange}
      searchValue={search}
      onSearchChange={setSearch}
      // The server has searched already: every option it found is shown.
      filter={({ options: all }) => all}
      data={options}
      placeholder={t('automationMore.kbSearch')}
      nothingFoundMessage={q.length >= 2 && !results.isFetching ? t('automationMore.kbNothing') : undefined}
      data-testid="kb-article-picker"
    />
  );
}
