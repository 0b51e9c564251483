import { Anchor, Button, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type * as cat from '../../../src/contracts/catalog';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { get } from '../api/client';
import { DataTable } from '../ui/DataTable';
import { ErrorAlert } from '../ui/feedback';
import { dateTime } from '../ui/format';
import { inLang, useCatalog } from './catalog.api';

type Order = z.infer<typeof cat.Orders>['items'][number];

/** `/catalog/orders` (staff): requests ordered from the catalog with their answers; search them, download them. */
export default function Orders() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const items = useCatalog();
  const itemId = params.get('item') ?? '';
  const q = params.get('q') ?? '';
  const query = new URLSearchParams({ ...(itemId && { itemId }), ...(q && { q }) }).toString();
  const orders = useQuery({ queryKey: ['catalog-orders', query], queryFn: () => get<{ items: Order[] }>(`/catalog/orders?${query}`), placeholderData: keepPreviousData });
  const lang = i18n.language;
  const download = (format: 'csv' | 'xlsx') => `/api/v1/catalog/orders?${new URLSearchParams({ ...(itemId && { itemId }), ...(q && { q }), format, lang: lang.startsWith('ru') ? 'ru' : 'en' })}`;
  const update = (change: Record<string, string>) => setParams(Object.fromEntries(Object.entries({ item: itemId, q, ...change }).filter(([, v]) => v)));
  return (
    <Stack>
      <Title order={1}>{t('catalog.ordersTitle')}</Title>
      <Group align="flex-end" wrap="wrap">
        <Select
          label={t('catalog.item')}
          w={280}
          clearable
          value={itemId || null}
          onChange={(v) => update({ item: v ?? '' })}
          data={(items.data?.items ?? []).map((i) => ({ value: i.id, label: inLang(lang, i.name, i.nameRu) }))}
        />
        <TextInput label={t('catalog.search')} w={240} defaultValue={q} onKeyDown={(e) => e.key === 'Enter' && update({ q: e.currentTarget.value.trim() })} onBlur={(e) => update({ q: e.currentTarget.value.trim() })} />
        <Button component="a" variant="default" href={download('csv')}>
          CSV
        </Button>
        <Button component="a" variant="default" href={download('xlsx')}>
          XLSX
        </Button>
      </Group>
      <ErrorAlert error={orders.error} />
      <DataTable<Order>
        testId="catalog-orders"
        rows={orders.data?.items}
        rowKey={(r) => r.ticketId}
        minWidth={720}
        columns={[
          { key: 'number', label: t('ticket.number'), nowrap: true, render: (r) => <Anchor component={Link} to={`/tickets/${r.number}`}>{r.number}</Anchor> },
          { key: 'item', label: t('catalog.item'), render: (r) => inLang(lang, r.itemName, r.itemNameRu) },
          { key: 'org', label: t('ticket.organization'), render: (r) => r.organizationName },
          { key: 'created', label: t('ticket.created'), nowrap: true, render: (r) => dateTime(r.createdAt, lang) },
          {
            key: 'answers',
            label: t('catalog.answers'),
            render: (r) => (
              <Text size="sm">
                {r.answers.map((a) => `${inLang(lang, a.label, a.labelRu)}: ${a.value}`).join('; ')}
              </Text>
            ),
          },
        ]}
      />
    </Stack>
  );
}
