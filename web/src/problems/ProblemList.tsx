import { Anchor, Chip, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { DataTable } from '../ui/DataTable';
import { ErrorAlert, Loading } from '../ui/feedback';
import { useProblemReport, useProblems, type ProblemReport, type ProblemSummary } from './api';
import { ProblemStatusBadge } from './ProblemBadges';

const FILTERS = ['all', 'open', 'known_error', 'resolved'] as const;

/** Incidents per root-cause category, with the exports (the reader's language). */
function Report() {
  const { t, i18n } = useTranslation();
  const report = useProblemReport();
  const lang = i18n.language === 'ru' ? 'ru' : 'en';
  const category = (c: string | null) => (c ? t(`problems.category.${c}`) : t('problems.noCategory'));
  return (
    <Paper withBorder p="sm">
      <Group justify="space-between" mb="xs" wrap="wrap">
        <Title order={2} size="h4">
          {t('problems.report')}
        </Title>
        <Group gap="sm" wrap="wrap">
          <Anchor href={`/api/v1/reports/problems?format=csv&table=problems&lang=${lang}`} size="sm" download>
            {t('problems.exportProblems')}
          </Anchor>
          <Anchor href={`/api/v1/reports/problems?format=csv&table=categories&lang=${lang}`} size="sm" download>
            {t('problems.exportCategories')}
          </Anchor>
          <Anchor href={`/api/v1/reports/problems?format=xlsx&lang=${lang}`} size="sm" download>
            {t('problems.exportXlsx')}
          </Anchor>
        </Group>
      </Group>
      <ErrorAlert error={report.error} />
      <DataTable<ProblemReport['byCategory'][number]>
        testId="problem-report"
        minWidth={360}
        rows={report.data?.byCategory}
        rowKey={(r) => r.rootCauseCategory ?? 'none'}
        columns={[
          { key: 'category', label: t('problems.columns.rootCause'), render: (r) => category(r.rootCauseCategory) },
          { key: 'problems', label: t('problems.columns.problems'), render: (r) => r.problems, nowrap: true },
          { key: 'incidents', label: t('problems.columns.incidents'), render: (r) => r.incidents, nowrap: true },
        ]}
      />
    </Paper>
  );
}

/** `/problems`: the problems (staff), by status, and how many incidents each and each root cause caused. */
export default function ProblemList() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const filter = (params.get('status') ?? 'all') as (typeof FILTERS)[number];
  const problems = useProblems(filter === 'all' ? null : filter);
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('problems.title')}
      </Title>
      <Chip.Group value={filter} onChange={(v) => setParams(v === 'all' ? {} : { status: String(v) })}>
        <Group gap="xs" role="radiogroup" aria-label={t('problems.columns.status')}>
          {FILTERS.map((f) => (
            <Chip key={f} value={f} type="radio">
              {t(`problems.filter.${f}`)}
            </Chip>
          ))}
        </Group>
      </Chip.Group>
      <ErrorAlert error={problems.error} />
      {problems.isPending ? (
        <Loading />
      ) : (
        <DataTable<ProblemSummary>
          testId="problem-list"
          rows={problems.data?.items}
          rowKey={(p) => p.id}
          empty={t('problems.empty')}
          columns={[
            {
              key: 'number',
              label: t('problems.columns.number'),
              nowrap: true,
              render: (p) => (
                <Anchor component={Link} to={`/problems/${p.number}`} ff="monospace">
                  {p.number}
                </Anchor>
              ),
            },
            { key: 'title', label: t('problems.columns.title'), render: (p) => <Text size="sm">{p.title}</Text> },
            { key: 'status', label: t('problems.columns.status'), render: (p) => <ProblemStatusBadge status={p.status} />, nowrap: true },
            { key: 'cause', label: t('problems.columns.rootCause'), render: (p) => (p.rootCauseCategory ? t(`problems.category.${p.rootCauseCategory}`) : '—') },
            { key: 'incidents', label: t('problems.columns.incidents'), render: (p) => p.incidents, nowrap: true },
            { key: 'open', label: t('problems.columns.open'), render: (p) => p.openIncidents, nowrap: true },
          ]}
        />
      )}
      <Report />
    </Stack>
  );
}
