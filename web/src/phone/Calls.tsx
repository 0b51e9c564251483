import { Anchor, Button, Select, SimpleGrid, Stack, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { post } from '../api/client';
import { useMe } from '../api/queries';
import { isStaffRole } from '../api/types';
import { NotFound } from '../app/guards';
import { DataTable } from '../ui/DataTable';
import { ErrorAlert, Loading } from '../ui/feedback';
import { useSubmit } from '../ui/FormCard';
import { dateTime } from '../ui/format';
import { OutcomeBadge } from './badges';
import { DIRECTIONS, OUTCOMES, talkTime, useCallbacks, useCalls, type Call, type Callback } from './phone.api';
import { MoreButton } from '../ui/MoreButton';

const TABS = ['callbacks', 'log'] as const;

/** A person's name, or the number alone when nobody has it. */
const callerName = (c: { caller: { name: string } | null }, unknown: string) => c.caller?.name ?? unknown;

function CallbackList() {
  const { t, i18n } = useTranslation();
  const callbacks = useCallbacks();
  const done = useSubmit(['callbacks', 'calls', 'phoneLookup']);
  if (callbacks.isPending) return <Loading />;
  return (
    <>
      <Text size="sm" c="dimmed">
        {t('calls.callbacksHelp')}
      </Text>
      <ErrorAlert error={callbacks.error ?? done.error} />
      <DataTable<Callback>
        testId="callbacks"
        rows={callbacks.data?.items}
        rowKey={(c) => c.callId}
        empty={t('calls.noCallbacks')}
        columns={[
          { key: 'since', label: t('calls.since'), render: (c) => <Anchor component={Link} to={`/calls/${c.callId}`}>{dateTime(c.firstMissedAt, i18n.language)}</Anchor>, nowrap: true },
          { key: 'caller', label: t('calls.caller'), render: (c) => callerName(c, t('calls.unknownCaller')) },
          { key: 'org', label: t('calls.organization'), render: (c) => c.organization?.name ?? '—' },
          { key: 'number', label: t('calls.number'), render: (c) => <a href={`tel:${c.number}`}>{c.number}</a>, nowrap: true },
          { key: 'missed', label: t('calls.missedCount'), render: (c) => c.missedCalls, nowrap: true },
          {
            key: 'ticket',
            label: t('calls.request'),
            render: (c) => (c.ticket ? <Anchor component={Link} to={`/tickets/${c.ticket.number}`}>{c.ticket.number}</Anchor> : '—'),
            nowrap: true,
          },
          {
            key: 'done',
            label: t('admin.actions'),
            render: (c) => (
              <Button size="xs" variant="light" loading={done.busy} onClick={() => void done.run(() => post(`/phone/callbacks/${c.callId}/done`), t('calls.markedDone'))}>
                {t('calls.markDone')}
              </Button>
            ),
            nowrap: true,
          },
        ]}
      />
    </>
  );
}

function CallLog() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const filter = { outcome: params.get('outcome') ?? '', direction: params.get('direction') ?? '', number: params.get('number') ?? '' };
  const [number, setNumber] = useState(filter.number);
  const setFilter = (key: keyof typeof filter, value: string) =>
    setParams(
      (p) => {
        if (value) p.set(key, value);
        else p.delete(key);
        return p;
      },
      { replace: true },
    );
  const setNumberLater = useDebouncedCallback((v: string) => setFilter('number', v.trim()), 400);
  const calls = useCalls(filter);
  const rows = calls.data?.pages.flatMap((p) => p.items);
  return (
    <>
      <SimpleGrid cols={{ base: 1, sm: 3 }} maw={720}>
        <Select
          label={t('calls.outcomeLabel')}
          value={filter.outcome || null}
          clearable
          placeholder={t('calls.any')}
          onChange={(v) => setFilter('outcome', v ?? '')}
          data={OUTCOMES.map((o) => ({ value: o, label: t(`calls.outcome.${o}`) }))}
        />
        <Select
          label={t('calls.direction')}
          value={filter.direction || null}
          clearable
          placeholder={t('calls.any')}
          onChange={(v) => setFilter('direction', v ?? '')}
          data={DIRECTIONS.map((d) => ({ value: d, label: t(`calls.dir.${d}`) }))}
        />
        <TextInput
          label={t('calls.number')}
          type="search"
          value={number}
          onChange={(e) => {
            setNumber(e.currentTarget.value);
            setNumberLater(e.currentTarget.value);
          }}
        />
      </SimpleGrid>
      <ErrorAlert error={calls.error} />
      {calls.isPending ? (
        <Loading />
      ) : (
        <DataTable<Call>
          testId="call-log"
          rows={rows}
          rowKey={(c) => c.id}
          minWidth={800}
          empty={t('calls.noCalls')}
          columns={[
            { key: 'at', label: t('calls.time'), render: (c) => <Anchor component={Link} to={`/calls/${c.id}`}>{dateTime(c.startedAt, i18n.language)}</Anchor>, nowrap: true },
            { key: 'dir', label: t('calls.direction'), render: (c) => t(`calls.dir.${c.direction}`), nowrap: true },
            { key: 'number', label: t('calls.number'), render: (c) => c.number ?? (c.direction === 'inbound' ? c.from : c.to), nowrap: true },
            { key: 'caller', label: t('calls.caller'), render: (c) => (c.caller ? `${c.caller.name}${c.organization ? ` · ${c.organization.name}` : ''}` : (c.organization?.name ?? '—')) },
            { key: 'outcome', label: t('calls.outcomeLabel'), render: (c) => <OutcomeBadge outcome={c.outcome} />, nowrap: true },
            { key: 'talk', label: t('calls.talkTime'), render: (c) => talkTime(c.talkSeconds), nowrap: true },
            { key: 'agent', label: t('calls.agent'), render: (c) => c.agent?.name ?? c.agentRef ?? '—' },
            {
              key: 'ticket',
              label: t('calls.request'),
              render: (c) => (c.ticket ? <Anchor component={Link} to={`/tickets/${c.ticket.number}`}>{c.ticket.number}</Anchor> : '—'),
              nowrap: true,
            },
          ]}
        />
      )}
      <MoreButton query={calls} />
    </>
  );
}

/** `/calls?tab=callbacks|log`: missed calls to return, and the call log with its filters in the address. */
export default function Calls() {
  const { t } = useTranslation();
  const me = useMe().data!;
  const [params, setParams] = useSearchParams();
  const raw = params.get('tab');
  const tab = raw === 'log' ? 'log' : 'callbacks';
  if (!isStaffRole(me.role)) return <NotFound />;
  return (
    <Stack>
      <Title order={1}>{t('calls.title')}</Title>
      <Tabs value={tab} onChange={(v) => v && setParams(v === 'callbacks' ? {} : { tab: v })}>
        <Tabs.List>
          {TABS.map((k) => (
            <Tabs.Tab key={k} value={k}>
              {t(`calls.tab.${k}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      {tab === 'callbacks' ? <CallbackList /> : <CallLog />}
    </Stack>
  );
}
