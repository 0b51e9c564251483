import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import { Anchor, Grid, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { get, patch } from '../api/client';
import { useNextBreaches, useTickets } from '../api/queries';
import { OPEN_STATUSES, type Line, type Ticket } from '../api/types';
import { AtRiskTable } from '../agent/AtRiskTable';
import { Capacity } from './Capacity';
import { KeptPastBudget } from './KeptPastBudget';
import { ErrorAlert, Loading, notifyError, notifyOk } from '../ui/feedback';
import { dateTime } from '../ui/format';

const LINES: Line[] = ['L1', 'L2', 'L3'];
const SAMPLE = 200;

interface Escalation {
  id: number;
  ticketId: string;
  number: string;
  subject: string;
  from: string | null;
  to: string | null;
  by: string | null;
  reason: string | null;
  actor: { id: string; name: string } | null;
  createdAt: string;
}

function Workload({ items }: { items: Ticket[] }) {
  const { t } = useTranslation();
  const byLine = LINES.map((line) => ({
    line,
    [t('dashboard.assigned')]: items.filter((x) => x.line === line && x.assigneeId).length,
    [t('ticket.unassigned')]: items.filter((x) => x.line === line && !x.assigneeId).length,
  }));
  return (
    <Grid>
      <Grid.Col span={12}>
        <Paper withBorder p="md" h="100%">
          <Title order={2} size="h4" mb="sm">
            {t('dashboard.workload')}
          </Title>
          <Capacity />
        </Paper>
      </Grid.Col>
      <Grid.Col span={12}>
        <Paper withBorder p="md" h="100%">
          <Title order={2} size="h4" mb="sm">
            {t('dashboard.byLine')}
          </Title>
          <BarChart
            h={220}
            data={byLine}
            dataKey="line"
            type="stacked"
            withLegend
            series={[
              { name: t('dashboard.assigned'), color: 'blue.7' },
              { name: t('ticket.unassigned'), color: 'orange.7' },
            ]}
          />
          {items.length >= SAMPLE && (
            <Text size="xs" c="dimmed">
              {t('dashboard.capped', { count: SAMPLE })}
            </Text>
          )}
        </Paper>
      </Grid.Col>
    </Grid>
  );
}

function EscalationFeed() {
  const { t, i18n } = useTranslation();
  const feed = useQuery({ queryKey: ['escalations'], queryFn: () => get<{ items: Escalation[] }>('/escalations?limit=20') });
  return (
    <Paper withBorder p="md" data-testid="escalation-feed">
      <Title order={2} size="h4" mb="sm">
        {t('dashboard.escalations')}
      </Title>
      <ErrorAlert error={feed.error} />
      {feed.data?.items.length === 0 && <Text c="dimmed">{t('dashboard.nothing')}</Text>}
      <Stack gap="xs">
        {feed.data?.items.map((e) => (
          <div key={e.id}>
            <Text size="sm">
              <Anchor component={Link} to={`/tickets/${e.number}`} ff="monospace">
                {e.number}
              </Anchor>{' '}
              {e.subject} — {e.from} → {e.to}
              {e.by === 'time' ? ` (${t('event.byTime')})` : e.by === 'difficulty' ? ` (${t('event.byDifficulty')})` : ''}
            </Text>
            <Text size="xs" c="dimmed">
              {e.actor?.name ?? t('ticket.system')} · {dateTime(e.createdAt, i18n.language)}
              {e.reason ? ` · ${e.reason}` : ''}
            </Text>
          </div>
        ))}
      </Stack>
    </Paper>
  );
}

interface MonthHours {
  time: { organizations: { organizationId: string; name: string; includedHours: number; billableHours: number; overageHours: number }[] };
}

/** Organizations that have used 80 % or more of this month's contract hours. */
function ContractWarnings() {
  const { t } = useTranslation();
  const report = useQuery({ queryKey: ['report', 'month-hours'], queryFn: () => get<MonthHours>('/reports?period=month'), retry: false });
  const near = (report.data?.time.organizations ?? []).filter((o) => o.includedHours > 0 && o.billableHours >= 0.8 * o.includedHours);
  if (!near.length) return null;
  return (
    <Paper withBorder p="md" data-testid="contract-warnings">
      <Title order={2} size="h4" mb="xs">
        {t('reports.contractWarnings')}
      </Title>
      {near.map((o) => (
        <Text key={o.organizationId} size="sm" c={o.overageHours > 0 ? 'red.8' : 'orange.9'} fw={600}>
          {t('reports.overBy', { name: o.name, billable: o.billableHours, included: o.includedHours })}
        </Text>
      ))}
    </Paper>
  );
}

/** The manager's view: workload, what is at risk or breached (with reassignment), escalations. */
export default function Dashboard() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const open = useTickets(new URLSearchParams({ status: OPEN_STATUSES.join(','), sort: '-updated', limit: String(SAMPLE) }));
  const breaches = useNextBreaches(100);
  const items = breaches.data?.items ?? [];
  const breached = items.filter((b) => b.breached);
  const atRisk = items.filter((b) => !b.breached).slice(0, 20);
  const reassign = async (ticketId: string, assigneeId: string | null) => {
    try {
      await patch(`/tickets/${ticketId}`, { assigneeId });
      notifyOk(t('dashboard.reassigned'));
    } catch (e) {
      notifyError(t, e);
    }
    await qc.invalidateQueries({ predicate: (q) => ['breaches', 'tickets', 'escalations'].includes(String(q.queryKey[0])) });
  };
  return (
    <Stack>
      <Title order={1}>{t('dashboard.title')}</Title>
      <ErrorAlert error={open.error ?? breaches.error} />
      {open.isPending ? <Loading /> : <Workload items={open.data?.items ?? []} />}
      <ContractWarnings />
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          {t('dashboard.breached')} ({breached.length})
        </Title>
        {breached.length ? <AtRiskTable items={breached} onReassign={reassign} /> : <Text c="dimmed">{t('dashboard.nothing')}</Text>}
      </Paper>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          {t('dashboard.atRisk')}
        </Title>
        {atRisk.length ? <AtRiskTable items={atRisk} onReassign={reassign} /> : <Text c="dimmed">{t('dashboard.nothing')}</Text>}
      </Paper>
      <KeptPastBudget />
      <EscalationFeed />
    </Stack>
  );
}
