import { ActionIcon, Anchor, Button, Checkbox, Grid, Group, Paper, Select, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { del, get, patch, post } from '../api/client';
import type { Status } from '../api/types';
import { NotFound } from '../app/guards';
import { StatusBadge } from '../ui/badges';
import { DataTable } from '../ui/DataTable';
import { ErrorAlert, Loading, notifyError, notifyOk } from '../ui/feedback';
import { dateTime } from '../ui/format';
import { ROOT_CAUSE_CATEGORIES, useProblem, useRefreshProblems, type Problem, type RootCauseCategory } from './api';
import { ProblemStatusBadge } from './ProblemBadges';

/** Runs a change, says it worked or why not, and re-reads what it touched. */
function useAct() {
  const { t } = useTranslation();
  const refresh = useRefreshProblems();
  const [busy, setBusy] = useState(false);
  const act = async <T,>(fn: () => Promise<T>, ok?: (r: T) => string) => {
    setBusy(true);
    try {
      const r = await fn();
      if (ok) notifyOk(ok(r));
      return r;
    } catch (e) {
      notifyError(t, e);
      return undefined;
    } finally {
      setBusy(false);
      await refresh();
    }
  };
  return { act, busy };
}

function Incidents({ problem }: { problem: Problem }) {
  const { t } = useTranslation();
  const { act, busy } = useAct();
  const [refs, setRefs] = useState('');
  const link = async () => {
    const incidents = refs.split(/[\s,;]+/).filter(Boolean);
    if ((await act(() => post(`/problems/${problem.id}/incidents`, { incidents }), () => t('problems.linked'))) !== undefined) setRefs('');
  };
  return (
    <Paper withBorder p="sm">
      <Title order={2} size="h4" mb="xs">
        {t('problems.incidents')}
      </Title>
      <DataTable<Problem['incidents'][number]>
        testId="problem-incidents"
        minWidth={420}
        rows={problem.incidents}
        rowKey={(i) => i.id}
        columns={[
          {
            key: 'number',
            label: '#',
            nowrap: true,
            render: (i) => (
              <Anchor component={Link} to={`/tickets/${i.number}`} ff="monospace" size="sm">
                {i.number}
              </Anchor>
            ),
          },
          {
            key: 'subject',
            label: t('problems.columns.title'),
            render: (i) => (
              <>
                <Text size="sm">{i.subject}</Text>
                <Text size="xs" c="dimmed">
                  {i.organization.name}
                </Text>
              </>
            ),
          },
          { key: 'status', label: t('problems.columns.status'), nowrap: true, render: (i) => <StatusBadge status={i.status as Status} staff /> },
          {
            key: 'unlink',
            label: '',
            nowrap: true,
            render: (i) => (
              <ActionIcon variant="subtle" color="gray" aria-label={`${t('problems.unlink')} ${i.number}`} onClick={() => void act(() => del(`/problems/${problem.id}/incidents/${i.id}`))}>
                ×
              </ActionIcon>
            ),
          },
        ]}
      />
      {problem.status !== 'resolved' && (
        <Group mt="sm" align="end" wrap="wrap">
          <TextInput label={t('problems.linkLabel')} placeholder={t('problems.linkPlaceholder')} value={refs} onChange={(e) => setRefs(e.currentTarget.value)} style={{ flex: '1 1 14rem' }} />
          <Button onClick={link} loading={busy} disabled={!refs.trim()}>
            {t('problems.link')}
          </Button>
        </Group>
      )}
    </Paper>
  );
}

function Analysis({ problem }: { problem: Problem }) {
  const { t } = useTranslation();
  const { act, busy } = useAct();
  const [rootCause, setRootCause] = useState(problem.rootCause ?? '');
  const [category, setCategory] = useState<RootCauseCategory | null>(problem.rootCauseCategory);
  const [workaround, setWorkaround] = useState(problem.workaround ?? '');
  const [status, setStatus] = useState(problem.status === 'resolved' ? 'known_error' : problem.status);
  const save = () =>
    act(
      () => patch(`/problems/${problem.id}`, { rootCause: rootCause.trim() || null, rootCauseCategory: category, workaround: workaround.trim() || null, ...(problem.status !== 'resolved' && { status }) }),
      () => t('problems.saved'),
    );
  return (
    <Paper withBorder p="sm">
      <Title order={2} size="h4" mb="xs">
        {t('problems.analysis')}
      </Title>
      <Stack gap="sm">
        <Select
          label={t('problems.rootCauseCategory')}
          data={ROOT_CAUSE_CATEGORIES.map((c) => ({ value: c, label: t(`problems.category.${c}`) }))}
          value={category}
          onChange={(v) => setCategory(v as RootCauseCategory | null)}
          clearable
        />
        <Textarea label={t('problems.rootCause')} autosize minRows={2} value={rootCause} onChange={(e) => setRootCause(e.currentTarget.value)} />
        <Textarea label={t('problems.workaround')} autosize minRows={3} value={workaround} onChange={(e) => setWorkaround(e.currentTarget.value)} />
        {problem.status !== 'resolved' && (
          <Select
            label={t('problems.statusLabel')}
            data={(['open', 'known_error'] as const).map((s) => ({ value: s, label: t(`problems.status.${s}`) }))}
            value={status}
            allowDeselect={false}
            onChange={(v) => v && setStatus(v as 'open' | 'known_error')}
          />
        )}
        <Group justify="end">
          <Button onClick={() => void save()} loading={busy}>
            {t('problems.save')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

type Space = { id: string; name: string; nameRu: string | null; isDefault: boolean };

function Publish({ problem }: { problem: Problem }) {
  const { t, i18n } = useTranslation();
  const { act, busy } = useAct();
  const spaces = useQuery({ queryKey: ['kb-spaces'], queryFn: () => get<{ items: Space[] }>('/kb/spaces') });
  const [spaceId, setSpaceId] = useState<string | null>(null);
  const [locale, setLocale] = useState(i18n.language === 'ru' ? 'ru' : 'en');
  const chosen = spaceId ?? spaces.data?.items.find((s) => s.isDefault)?.id ?? null;
  return (
    <Paper withBorder p="sm">
      <Title order={2} size="h4" mb="xs">
        {t('problems.publishTitle')}
      </Title>
      {problem.kbPageId ? (
        <Anchor component={Link} to={`/kb/${problem.kbPageId}`} data-testid="workaround-article">
          {t('problems.openArticle')}
        </Anchor>
      ) : !problem.workaround ? (
        <Text size="sm" c="dimmed">
          {t('problems.needWorkaround')}
        </Text>
      ) : (
        <Stack gap="sm">
          <Select
            label={t('problems.publishSpace')}
            data={(spaces.data?.items ?? []).map((s) => ({ value: s.id, label: i18n.language === 'ru' && s.nameRu ? s.nameRu : s.name }))}
            value={chosen}
            allowDeselect={false}
            onChange={setSpaceId}
          />
          <Select label={t('problems.publishLanguage')} data={[{ value: 'en', label: t('lang.en') }, { value: 'ru', label: t('lang.ru') }]} value={locale} allowDeselect={false} onChange={(v) => v && setLocale(v)} />
          <Group justify="end">
            <Button onClick={() => void act(() => post(`/problems/${problem.id}/publish-workaround`, { ...(chosen && { spaceId: chosen }), locale }), () => t('problems.published'))} loading={busy}>
              {t('problems.publish')}
            </Button>
          </Group>
        </Stack>
      )}
    </Paper>
  );
}

function Resolve({ problem }: { problem: Problem }) {
  const { t, i18n } = useTranslation();
  const { act, busy } = useAct();
  const [resolution, setResolution] = useState('');
  const [notify, setNotify] = useState(true);
  const [resolveIncidents, setResolveIncidents] = useState(true);
  if (problem.status === 'resolved')
    return (
      <Paper withBorder p="sm">
        <Title order={2} size="h4" mb="xs">
          {t('problems.resolution')}
        </Title>
        <Text size="sm" className="prewrap">
          {problem.resolution}
        </Text>
        <Text size="xs" c="dimmed" mt={4}>
          {t('problems.resolvedOn', { at: dateTime(problem.resolvedAt!, i18n.language) })}
        </Text>
      </Paper>
    );
  return (
    <Paper withBorder p="sm">
      <Title order={2} size="h4" mb="xs">
        {t('problems.resolveTitle')}
      </Title>
      <Stack gap="sm">
        <Textarea label={t('problems.resolution')} autosize minRows={2} value={resolution} onChange={(e) => setResolution(e.currentTarget.value)} />
        <Checkbox label={t('problems.notifyIncidents')} checked={notify} onChange={(e) => setNotify(e.currentTarget.checked)} />
        <Checkbox label={t('problems.resolveIncidents')} checked={resolveIncidents} onChange={(e) => setResolveIncidents(e.currentTarget.checked)} />
        <Group justify="end">
          <Button
            color="teal"
            loading={busy}
            disabled={!resolution.trim()}
            onClick={() =>
              void act(
                () => post<{ notified: number; resolved: number }>(`/problems/${problem.id}/resolve`, { resolution, notifyIncidents: notify, resolveIncidents }),
                (r) => t('problems.resolvedDone', r),
              )
            }
          >
            {t('problems.resolve')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function History({ problem }: { problem: Problem }) {
  const { t, i18n } = useTranslation();
  return (
    <Paper withBorder p="sm">
      <Title order={2} size="h4" mb="xs">
        {t('problems.history')}
      </Title>
      <Stack gap={4} component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {problem.events.map((e) => (
          <Text key={e.id} component="li" size="sm" c="dimmed" data-event={e.type}>
            <b>{e.actorName ?? '—'}</b> {t(`problems.ev.${e.type}`, e.data as Record<string, string>)} · {dateTime(e.createdAt, i18n.language)}
          </Text>
        ))}
      </Stack>
    </Paper>
  );
}

/** `/problems/{number}`: a problem with its incidents, root cause, workaround (to the KB) and resolution. */
export default function ProblemPage() {
  const { t } = useTranslation();
  const { ref = '' } = useParams();
  const problem = useProblem(ref);
  if (problem.isPending) return <Loading />;
  if (problem.error) return (problem.error as { status?: number }).status === 404 ? <NotFound /> : <ErrorAlert error={problem.error} />;
  const p = problem.data;
  return (
    <Stack>
      <Anchor component={Link} to="/problems" size="sm">
        ← {t('problems.back')}
      </Anchor>
      <div>
        <Text ff="monospace" c="dimmed" size="sm">
          {p.number}
        </Text>
        <Title order={1} size="h2" style={{ overflowWrap: 'anywhere' }}>
          {p.title}
        </Title>
        <Group gap="xs" mt={4}>
          <ProblemStatusBadge status={p.status} />
          {p.rootCauseCategory && <Text size="sm" c="dimmed">{t(`problems.category.${p.rootCauseCategory}`)}</Text>}
        </Group>
      </div>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack>
            {p.description && (
              <Paper withBorder p="sm">
                <Title order={2} size="h5" mb={4}>
                  {t('problems.description')}
                </Title>
                <Text size="sm" className="prewrap">
                  {p.description}
                </Text>
              </Paper>
            )}
            <Incidents problem={p} />
            <History problem={p} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack>
            <Analysis key={p.updatedAt} problem={p} />
            <Publish problem={p} />
            <Resolve problem={p} />
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
