import { Anchor, Button, Checkbox, Group, Modal, Paper, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { post } from '../api/client';
import type { TicketDetail } from '../api/types';
import { notifyError, notifyOk } from '../ui/feedback';
import { dateTime } from '../ui/format';
import { useRefreshProblems, useSimilar, useTicketMajor, useTicketProblem, type Major, type Problem } from './api';
import { ProblemStatusBadge } from './ProblemBadges';

const ACTIVE = ['new', 'open', 'pending_customer', 'pending_vendor'];

/** Runs a change on the request's problem or major incident, then re-reads; true when it worked. */
function useRun() {
  const { t } = useTranslation();
  const refresh = useRefreshProblems();
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<unknown>, ok?: string) => {
    setBusy(true);
    try {
      await fn();
      if (ok) notifyOk(ok);
      return true;
    } catch (e) {
      notifyError(t, e);
      return false;
    } finally {
      setBusy(false);
      await refresh();
    }
  };
  return { run, busy };
}

/** The problem that causes this request, or opening one from it / adding it to one. */
function ProblemPanel({ ticket }: { ticket: TicketDetail }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const linked = useTicketProblem(ticket.id);
  const { run, busy } = useRun();
  const [title, setTitle] = useState(ticket.subject);
  const [number, setNumber] = useState('');
  if (linked.isPending || linked.error) return null;
  const p = linked.data.problem;
  return (
    <Paper withBorder p="sm" data-testid="problem-panel">
      <Title order={2} size="h5" mb="xs">
        {t('problems.panel')}
      </Title>
      {p ? (
        <Group gap="xs" wrap="wrap">
          <Text size="sm">{t('problems.linkedTo')}:</Text>
          <Anchor component={Link} to={`/problems/${p.number}`} size="sm" ff="monospace">
            {p.number}
          </Anchor>
          <Text size="sm">{p.title}</Text>
          <ProblemStatusBadge status={p.status} />
        </Group>
      ) : (
        <Stack gap="xs">
          <TextInput label={t('problems.newTitle')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
          <Button
            variant="light"
            loading={busy}
            disabled={!title.trim()}
            onClick={async () => {
              let created: Problem | undefined;
              if (await run(async () => (created = await post<Problem>('/problems', { title, incidents: [ticket.id] })))) navigate(`/problems/${created!.number}`);
            }}
          >
            {t('problems.openFromIncident')}
          </Button>
          <Group align="end" gap="xs" wrap="nowrap">
            <TextInput label={t('problems.addToProblem')} placeholder="PRB-000001" aria-label={t('problems.problemNumber')} value={number} onChange={(e) => setNumber(e.currentTarget.value)} style={{ flex: 1 }} />
            <Button variant="default" disabled={!number.trim()} loading={busy} onClick={() => void run(() => post(`/problems/${encodeURIComponent(number.trim())}/incidents`, { incidents: [ticket.id] }), t('problems.linked'))}>
              {t('problems.add')}
            </Button>
          </Group>
        </Stack>
      )}
    </Paper>
  );
}

function Declare({ ticket, opened, onClose }: { ticket: TicketDetail; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { run, busy } = useRun();
  const [title, setTitle] = useState(ticket.subject);
  const [message, setMessage] = useState('');
  return (
    <Modal opened={opened} onClose={onClose} title={t('problems.major.declare')}>
      <Stack>
        <TextInput label={t('problems.major.bannerTitle')} required value={title} onChange={(e) => setTitle(e.currentTarget.value)} data-autofocus />
        <Textarea label={t('problems.major.bannerMessage')} autosize minRows={3} value={message} onChange={(e) => setMessage(e.currentTarget.value)} />
        <Group justify="end">
          <Button variant="default" onClick={onClose}>
            {t('ticket.cancel')}
          </Button>
          <Button
            color="red"
            loading={busy}
            disabled={!title.trim()}
            onClick={async () => {
              if (await run(() => post(`/tickets/${ticket.id}/major`, { title, ...(message.trim() && { message }) }), t('problems.major.declared'))) onClose();
            }}
          >
            {t('problems.major.declare')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** The parent's side: its children, similar open requests to link, and resolving it with all of them. */
function Parent({ ticket, major }: { ticket: TicketDetail; major: Major }) {
  const { t, i18n } = useTranslation();
  const open = !major.resolvedAt;
  const similar = useSimilar(ticket.id, open);
  const { run, busy } = useRun();
  const [chosen, setChosen] = useState<string[]>([]);
  const [numbers, setNumbers] = useState('');
  const [resolution, setResolution] = useState('');
  const link = async (tickets: string[]) => {
    if (await run(() => post(`/tickets/${ticket.id}/major/children`, { tickets }))) {
      setChosen([]);
      setNumbers('');
    }
  };
  return (
    <Stack gap="xs">
      <Text size="sm" fw={600}>
        {major.title}
      </Text>
      {open ? <Text size="sm">{t('problems.major.parent')}</Text> : <Text size="sm">{t('problems.major.resolvedOn', { at: dateTime(major.resolvedAt!, i18n.language) })}</Text>}
      <Text size="sm" fw={600}>
        {t('problems.major.children', { count: major.children.length })}
      </Text>
      <Stack gap={2} data-testid="major-children">
        {major.children.map((c) => (
          <Anchor key={c.id} component={Link} to={`/tickets/${c.number}`} size="sm">
            {c.number} · {c.subject} · {c.organization.name}
          </Anchor>
        ))}
      </Stack>
      {open && (
        <>
          <Text size="sm" fw={600} mt="xs">
            {t('problems.major.similar')}
          </Text>
          {similar.data && similar.data.items.length === 0 && (
            <Text size="sm" c="dimmed">
              {t('problems.major.noSimilar')}
            </Text>
          )}
          <Checkbox.Group value={chosen} onChange={setChosen}>
            <Stack gap={4} data-testid="major-similar">
              {similar.data?.items.map((s) => <Checkbox key={s.id} value={s.id} label={`${s.number} · ${s.subject}`} />)}
            </Stack>
          </Checkbox.Group>
          {chosen.length > 0 && (
            <Button variant="light" loading={busy} onClick={() => void link(chosen)}>
              {t('problems.major.linkSelected')}
            </Button>
          )}
          <Group align="end" gap="xs" wrap="nowrap">
            <TextInput label={t('problems.major.linkByNumber')} placeholder={t('problems.linkPlaceholder')} value={numbers} onChange={(e) => setNumbers(e.currentTarget.value)} style={{ flex: 1 }} />
            <Button variant="default" disabled={!numbers.trim()} loading={busy} onClick={() => void link(numbers.split(/[\s,;]+/).filter(Boolean))}>
              {t('problems.link')}
            </Button>
          </Group>
          <Textarea label={t('problems.major.resolution')} autosize minRows={2} value={resolution} onChange={(e) => setResolution(e.currentTarget.value)} mt="xs" />
          <Button color="teal" h="auto" py={6} styles={{ label: { whiteSpace: 'normal', textAlign: 'center' } }} disabled={!resolution.trim()} loading={busy} onClick={() => void run(() => post(`/tickets/${ticket.id}/major/resolve`, { resolution }))}>
            {t('problems.major.resolve')}
          </Button>
        </>
      )}
    </Stack>
  );
}

/** Whether the request is a major incident (or part of one), and declaring it one. */
function MajorPanel({ ticket }: { ticket: TicketDetail }) {
  const { t } = useTranslation();
  const major = useTicketMajor(ticket.id);
  const [declaring, setDeclaring] = useState(false);
  if (major.isPending || major.error) return null;
  const m = major.data.major;
  if (!m && !ACTIVE.includes(ticket.status)) return null;
  return (
    <Paper withBorder p="sm" data-testid="major-panel" style={m?.role === 'parent' && !m.resolvedAt ? { borderColor: 'var(--mantine-color-red-6)' } : undefined}>
      <Title order={2} size="h5" mb="xs">
        {t('problems.major.panel')}
      </Title>
      {!m && (
        <Button color="red" variant="light" onClick={() => setDeclaring(true)}>
          {t('problems.major.declare')}
        </Button>
      )}
      {m?.role === 'child' && (
        <Text size="sm">
          {t('problems.major.child')}{' '}
          <Anchor component={Link} to={`/tickets/${m.ticket.number}`}>
            {m.ticket.number}
          </Anchor>{' '}
          · {m.title}
        </Text>
      )}
      {m?.role === 'parent' && <Parent ticket={ticket} major={m} />}
      <Declare key={String(declaring)} ticket={ticket} opened={declaring} onClose={() => setDeclaring(false)} />
    </Paper>
  );
}

/** What the request page shows staff of problems and major incidents. */
export function ProblemAndMajorPanels({ ticket }: { ticket: TicketDetail }) {
  return (
    <>
      <MajorPanel ticket={ticket} />
      <ProblemPanel ticket={ticket} />
    </>
  );
}
