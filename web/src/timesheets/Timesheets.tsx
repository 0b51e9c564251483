import { Anchor, Badge, Button, Group, Paper, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import type { z } from 'zod';
import type * as tt from '../../../src/contracts/timetracking';
import { get, post } from '../api/client';
import { useMe } from '../api/queries';
import { isManagerRole, isStaffRole } from '../api/types';
import { NotFound } from '../app/guards';
import { DataTable } from '../ui/DataTable';
import { ErrorAlert, Loading } from '../ui/feedback';
import { dateTime, duration } from '../ui/format';
import { useSubmit } from '../ui/FormCard';
import { TimeTotals } from './TimeTotals';

type Sheet = z.infer<typeof tt.Timesheet>;
type Summary = z.infer<typeof tt.TimesheetSummary>;
type Status = Sheet['status'];
const STATUS_COLOR: Record<Status, string> = { open: 'blue', submitted: 'orange', approved: 'teal' };

const iso = (d: Date) => d.toISOString().slice(0, 10);
/** The Monday of the week of a date (YYYY-MM-DD), calendar arithmetic in UTC. */
export function mondayOf(date: string) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return iso(d);
}
const addDays = (date: string, n: number) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return iso(d);
};
const today = () => {
  const n = new Date();
  return iso(new Date(Date.UTC(n.getFullYear(), n.getMonth(), n.getDate())));
};

export function StatusBadge({ status }: { status: Status }) {
  const { t } = useTranslation();
  return (
    <Badge color={STATUS_COLOR[status]} variant="light" data-testid="timesheet-status" data-status={status}>
      {t(`timesheets.status.${status}`)}
    </Badge>
  );
}

/** The weeks agents have submitted, for a manager to approve. */
function Waiting({ current }: { current: { agent: string; week: string } }) {
  const { t, i18n } = useTranslation();
  const waiting = useQuery({ queryKey: ['timesheets', 'submitted'], queryFn: () => get<{ items: Summary[] }>('/timesheets?status=submitted') });
  return (
    <Paper withBorder p="sm">
      <Title order={2} size="h4" mb="xs">
        {t('timesheets.waiting')}
      </Title>
      <ErrorAlert error={waiting.error} />
      <DataTable
        testId="timesheets-waiting"
        minWidth={420}
        rows={waiting.data?.items}
        empty={t('timesheets.noneWaiting')}
        rowKey={(s) => `${s.agentId}/${s.weekStart}`}
        columns={[
          {
            key: 'agent',
            label: t('dashboard.agent'),
            render: (s) =>
              s.agentId === current.agent && s.weekStart === current.week ? (
                <Text fw={700} size="sm">{s.agentName}</Text>
              ) : (
                <Anchor component={Link} to={`/timesheets?agent=${s.agentId}&week=${s.weekStart}`} size="sm">
                  {s.agentName}
                </Anchor>
              ),
          },
          { key: 'week', label: t('timesheets.week'), render: (s) => s.weekStart, nowrap: true },
          { key: 'submitted', label: t('timesheets.submittedAt'), render: (s) => (s.submittedAt ? dateTime(s.submittedAt, i18n.language) : '—'), nowrap: true },
        ]}
      />
    </Paper>
  );
}

/** Submit (the agent), approve, send back or reopen (a manager); the last two with a reason. */
function Moves({ sheet, own, manager }: { sheet: Sheet; own: boolean; manager: boolean }) {
  const { t } = useTranslation();
  const { run, error, busy } = useSubmit(['timesheet', 'timesheets']);
  const [reason, setReason] = useState('');
  const [asking, setAsking] = useState<'reject' | 'reopen' | null>(null);
  const base = `/timesheets/${own ? 'me' : sheet.agentId}/${sheet.weekStart}`;
  const move = (m: string, body: unknown = {}) => void run(() => post(`${base}/${m}`, body), t(`timesheets.done.${m}`)).then((r) => r.ok && setAsking(null));
  return (
    <Stack gap="xs">
      <ErrorAlert error={error} />
      <Group gap="sm">
        {sheet.status === 'open' && own && (
          <Button loading={busy} onClick={() => move('submit')}>
            {t('timesheets.submit')}
          </Button>
        )}
        {sheet.status === 'submitted' && manager && (
          <>
            <Button color="teal" loading={busy} onClick={() => move('approve')}>
              {t('timesheets.approve')}
            </Button>
            <Button variant="light" color="red" onClick={() => setAsking('reject')}>
              {t('timesheets.reject')}
            </Button>
          </>
        )}
        {sheet.status === 'approved' && manager && (
          <Button variant="light" onClick={() => setAsking('reopen')}>
            {t('timesheets.reopen')}
          </Button>
        )}
      </Group>
      {asking && (
        <Paper withBorder p="sm">
          <Textarea label={t('timesheets.reason')} required value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} />
          <Group mt="xs" gap="sm">
            <Button loading={busy} disabled={!reason.trim()} onClick={() => move(asking, { reason })}>
              {t(`timesheets.${asking}`)}
            </Button>
            <Button variant="default" onClick={() => setAsking(null)}>
              {t('ticket.cancel')}
            </Button>
          </Group>
        </Paper>
      )}
    </Stack>
  );
}

/** `/timesheets?week=YYYY-MM-DD&agent=…`: a week of one's time, submitted for approval; managers approve or send back. */
export default function Timesheets() {
  const { t, i18n } = useTranslation();
  const me = useMe().data!;
  const [params, setParams] = useSearchParams();
  const week = mondayOf(params.get('week') || today());
  const agent = params.get('agent') || 'me';
  const manager = isManagerRole(me.role);
  const own = agent === 'me' || agent === me.id;
  const sheet = useQuery({
    queryKey: ['timesheet', agent, week],
    queryFn: () => get<Sheet>(`/timesheets/${agent}/${week}`),
    enabled: isStaffRole(me.role),
    retry: false,
  });
  if (!isStaffRole(me.role)) return <NotFound />;
  const go = (change: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(change)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next);
  };
  const s = sheet.data;
  return (
    <Stack>
      <Title order={1}>{t('timesheets.title')}</Title>
      {manager && <Waiting current={{ agent: s?.agentId ?? '', week }} />}
      <Group align="end" wrap="wrap" gap="sm">
        <Button variant="default" onClick={() => go({ week: addDays(week, -7) })}>
          ← {t('timesheets.previous')}
        </Button>
        <TextInput type="date" label={t('timesheets.weekOf')} value={week} onChange={(e) => e.currentTarget.value && go({ week: mondayOf(e.currentTarget.value) })} />
        <Button variant="default" onClick={() => go({ week: addDays(week, 7) })}>
          {t('timesheets.next')} →
        </Button>
        {!own && (
          <Button variant="subtle" onClick={() => go({ agent: '' })}>
            {t('timesheets.mine')}
          </Button>
        )}
      </Group>
      <ErrorAlert error={sheet.error} />
      {sheet.isPending && <Loading />}
      {s && (
        <Paper withBorder p="md" data-testid="timesheet">
          <Group justify="space-between" wrap="wrap" mb="sm">
            <div>
              <Title order={2} size="h3">
                {s.agentName}
              </Title>
              <Text size="sm" c="dimmed">
                {s.weekStart} – {addDays(s.weekStart, 6)} ({s.timeZone})
              </Text>
            </div>
            <StatusBadge status={s.status} />
          </Group>
          {s.note && (
            <Text size="sm" mb="sm">
              {t('timesheets.note')}: {s.note}
            </Text>
          )}
          <SimpleGrid cols={{ base: 2, sm: 4 }} mb="sm">
            <div>
              <Text size="xs" c="dimmed">{t('timesheets.total')}</Text>
              <Text fw={700}>{duration(t, s.totals.minutes, true)}</Text>
            </div>
            <div>
              <Text size="xs" c="dimmed">{t('reports.billable')}</Text>
              <Text fw={700}>{duration(t, s.totals.billableMinutes, true)}</Text>
            </div>
            <div>
              <Text size="xs" c="dimmed">{t('timesheets.flagged')}</Text>
              <Text fw={700} c={s.totals.flaggedEntries ? 'red.8' : undefined}>
                {s.totals.flaggedEntries}
              </Text>
            </div>
            {s.submittedAt && (
              <div>
                <Text size="xs" c="dimmed">{t('timesheets.submittedAt')}</Text>
                <Text size="sm">{dateTime(s.submittedAt, i18n.language)}</Text>
              </div>
            )}
          </SimpleGrid>
          <DataTable
            // A week of days in three short columns reads best as a table, on a phone too.
            minWidth={300}
            cards={false}
            rows={s.days}
            rowKey={(d) => d.date}
            columns={[
              { key: 'date', label: t('timesheets.day'), render: (d) => new Date(`${d.date}T12:00:00Z`).toLocaleDateString(i18n.language === 'ru' ? 'ru-RU' : 'en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }), nowrap: true },
              { key: 'minutes', label: t('timesheets.time'), render: (d) => duration(t, d.minutes, true), nowrap: true },
              { key: 'billable', label: t('reports.billable'), render: (d) => duration(t, d.billableMinutes, true), nowrap: true },
            ]}
          />
          <Title order={3} size="h5" mt="md" mb="xs">
            {t('timesheets.entries')}
          </Title>
          <DataTable
            minWidth={620}
            rows={s.entries}
            empty={t('timesheets.noEntries')}
            rowKey={(e) => e.id}
            columns={[
              { key: 'at', label: t('timesheets.started'), render: (e) => dateTime(e.startedAt, i18n.language), nowrap: true },
              {
                key: 'ticket',
                label: t('admin.request'),
                render: (e) => (
                  <Anchor component={Link} to={`/tickets/${e.ticketNumber ?? e.ticketId}`} size="sm">
                    {e.ticketNumber ? `${e.ticketNumber} ${e.ticketSubject ?? ''}` : t('timesheets.open')}
                  </Anchor>
                ),
              },
              { key: 'minutes', label: t('timesheets.time'), render: (e) => duration(t, e.minutes, true), nowrap: true },
              { key: 'activity', label: t('tracker.activityLabel'), render: (e) => t(`tracker.activity.${e.activity}`) },
              { key: 'billable', label: t('reports.billable'), render: (e) => (e.billable ? '✓' : '—') },
              { key: 'note', label: t('tracker.note'), render: (e) => (e.flagged ? <Badge color="red" variant="light">{t('timesheets.flaggedEntry')}</Badge> : e.note) },
            ]}
          />
          <Group mt="md">
            <Moves sheet={s} own={own} manager={manager} />
          </Group>
        </Paper>
      )}
      <TimeTotals manager={manager} week={mondayOf} />
    </Stack>
  );
}
