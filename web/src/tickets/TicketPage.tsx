import { Alert, Anchor, Badge, Button, Grid, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { post } from '../api/client';
import { useMe, useTicket, useTicketSla, useTimeline } from '../api/queries';
import { isStaffRole, type TicketDetail } from '../api/types';
import { NotFound } from '../app/guards';
import { PriorityBadge, StatusBadge } from '../ui/badges';
import { ErrorAlert, Loading, notifyError, notifyOk } from '../ui/feedback';
import { dateTime, useNow } from '../ui/format';
import { useLiveChange, type LiveChange } from '../app/live';
import { SatisfactionPanel } from '../portal/Satisfaction';
import { ProblemAndMajorPanels } from '../problems/TicketPanels';
import { ClientSla } from '../portal/ClientSla';
import { ArticleFromRequest } from '../kb/ArticleFromRequest';
import { ClientSolutions } from '../portal/ClientSolutions';
import { ArticlesPanel } from './ArticlesPanel';
import { Composer, type ComposerHandle } from './Composer';
import { LineBudgetAlert } from './LineBudget';
import { SlaPanel } from './SlaPanel';
import { ContextPanel, EscalateModal, StaffPanel } from './StaffPanel';
import { TimePanel } from './TimePanel';
import { EmailExtras, useTicketEmails } from './EmailExtras';
import { Timeline } from './Timeline';
import { AnswersPanel } from '../catalog/AnswersPanel';
import { ChangePanel } from '../changes/ChangePanel';
import { unverifiedMarks } from './ticket-emails';
import { MacroMenu } from '../workspace/MacroMenu';
import { MergeDialog } from '../workspace/MergeDialog';
import { TicketAutomation } from '../automation/TicketAutomation';

/** Reopen or confirm, as the requester may. */
function ClientActions({ ticket }: { ticket: TicketDetail }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const act = async (action: 'reopen' | 'close') => {
    try {
      await post(`/tickets/${ticket.id}/${action}`);
      if (action === 'reopen') notifyOk(t('portal.reopened'));
    } catch (e) {
      notifyError(t, e);
    }
    await qc.invalidateQueries({ predicate: (q) => ['ticket', 'timeline', 'sla', 'tickets'].includes(String(q.queryKey[0])) });
  };
  if (ticket.status !== 'resolved' && ticket.status !== 'closed') return null;
  return (
    <Group>
      <Button variant="light" onClick={() => void act('reopen')}>
        {t('portal.reopen')}
      </Button>
      {ticket.status === 'resolved' && (
        <Button variant="default" onClick={() => void act('close')}>
          {t('portal.confirm')}
        </Button>
      )}
    </Group>
  );
}

function TicketView({ ticket }: { ticket: TicketDetail }) {
  const { t, i18n } = useTranslation();
  const me = useMe().data!;
  const staff = isStaffRole(me.role);
  const timeline = useTimeline(ticket.id);
  const sla = useTicketSla(ticket.id);
  const emails = useTicketEmails(ticket.id, staff);
  const creation = emails.data?.items.find((m) => m.status === 'created');
  const unverified = unverifiedMarks(emails.data?.items);
  const composer = useRef<ComposerHandle>(null);
  const [escalating, setEscalating] = useState(false);
  const [merging, setMerging] = useState(false);
  const qc = useQueryClient();
  useHotkeys(
    staff
      ? [
          ['r', () => composer.current?.focus('reply')],
          ['n', () => composer.current?.focus('note')],
          ['e', () => setEscalating(true)],
          [
            't',
            () =>
              void post(`/tickets/${ticket.id}/take`)
                .catch((e: unknown) => notifyError(t, e))
                .finally(() => void qc.invalidateQueries({ queryKey: ['ticket'] })),
          ],
        ]
      : [],
  );
  const closedForClient = !staff && ticket.status === 'closed';
  const [replying, setReplying] = useState<{ name: string; at: number } | null>(null);
  const now = useNow(5_000);
  useLiveChange(
    useCallback(
      (c: LiveChange) => {
        if (c.type === 'ticket.replying' && c.subjectId === ticket.id && c.actor && c.actor.id !== me.id) setReplying({ name: c.actor.name, at: Date.now() });
      },
      [ticket.id, me.id],
    ),
  );
  // The hint is repeated while the colleague types; it fades 20 s after the last one.
  const someoneReplying = replying && now - replying.at < 20_000 ? replying.name : null;
  return (
    <Stack>
      <Group gap="xs">
        <Anchor component={Link} to={staff ? '/queues/mine' : '/requests'} size="sm">
          ← {t('ticket.back')}
        </Anchor>
      </Group>
      <Group justify="space-between" align="start" wrap="wrap">
        <div>
          <Text ff="monospace" c="dimmed" size="sm">
            {ticket.number}
          </Text>
          <Title order={1} size="h2" style={{ overflowWrap: 'anywhere' }}>
            {ticket.subject}
          </Title>
          <Group gap="xs" mt={4}>
            <StatusBadge status={ticket.status} staff={staff} />
            <PriorityBadge priority={ticket.priority} />
            <Badge variant="outline" color="gray">
              {t(`type.${ticket.type}`)}
            </Badge>
            <Badge variant="outline" color="gray" data-testid="ticket-channel" data-channel={ticket.channel}>
              {t('ticket.channel', { channel: t(`channel.${ticket.channel}`) })}
            </Badge>
            {staff && <Badge variant="outline">{ticket.line}</Badge>}
            <Text size="sm" c="dimmed">
              {t('ticket.created')}: {dateTime(ticket.createdAt, i18n.language)}
            </Text>
          </Group>
        </div>
        {!staff && <ClientActions ticket={ticket} />}
        {staff && (
          <Group gap="xs">
            <MacroMenu tickets={[ticket.id]} numberOf={() => ticket.number} shortcuts />
            {ticket.status !== 'closed' && (
              <Button variant="default" onClick={() => setMerging(true)} data-testid="merge-open">
                {t('workspace.mergeHere')}
              </Button>
            )}
          </Group>
        )}
      </Group>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack>
            <Paper withBorder p="sm">
              <Title order={2} size="h5" mb={4}>
                {t('ticket.description')}
              </Title>
              <Text size="sm" className="prewrap">
                {ticket.description}
              </Text>
              {creation && <EmailExtras message={creation} />}
            </Paper>
            <AnswersPanel ticketId={ticket.id} />
            <ChangePanel ticketId={ticket.id} isChange={ticket.type === 'change'} />
            <Title order={2} size="h4">
              {t('ticket.timeline')}
            </Title>
            {timeline.isPending ? <Loading /> : <Timeline entries={timeline.data?.items ?? []} staff={staff} emails={emails.data?.items} unverified={unverified} />}
            <ErrorAlert error={timeline.error} />
            {someoneReplying && (
              <Alert color="orange" role="status" data-testid="replying-warning">
                {t('ticket.someoneReplying', { name: someoneReplying })}
              </Alert>
            )}
            {closedForClient ? <Alert color="gray">{t('portal.closedNote')}</Alert> : <Composer ref={composer} ticketId={ticket.id} staff={staff} seenEntryId={timeline.data?.items.at(-1)?.id} />}
            {staff && (
              <Text size="xs" c="dimmed">
                {t('ticket.shortcuts')}
              </Text>
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack>
            {staff && <LineBudgetAlert ticket={ticket} sla={sla.data} timeline={timeline.data?.items ?? []} meId={me.id} />}
            {staff && <StaffPanel ticket={ticket} onEscalate={() => setEscalating(true)} />}
            {staff && <ProblemAndMajorPanels ticket={ticket} />}
            {me.role === 'requester' || me.role === 'client_manager' ? <ClientSla ticketId={ticket.id} showLog={me.role === 'client_manager'} /> : <SlaPanel ticketId={ticket.id} showLog />}
            {staff && <TimePanel ticketId={ticket.id} />}
            {staff ? <ArticlesPanel ticketId={ticket.id} /> : <ClientSolutions ticketId={ticket.id} />}
            {staff && <ArticleFromRequest ticket={ticket} timeline={timeline.data?.items ?? []} />}
            {staff && <ContextPanel ticket={ticket} />}
            {staff && <TicketAutomation ticketRef={ticket.number} />}
            {!staff && ticket.requester.id === me.id && (ticket.status === 'resolved' || ticket.status === 'closed') && <SatisfactionPanel ticketId={ticket.id} />}
            {!staff && ticket.assignee && (
              <Paper withBorder p="sm">
                <Text size="sm">
                  {t('ticket.assignee')}: {ticket.assignee.name}
                </Text>
              </Paper>
            )}
          </Stack>
        </Grid.Col>
      </Grid>
      {staff && merging && <MergeDialog opened onClose={() => setMerging(false)} target={{ id: ticket.id, number: ticket.number, subject: ticket.subject }} />}
      {staff && <EscalateModal key={ticket.line} ticket={ticket} opened={escalating} onClose={() => setEscalating(false)} />}
    </Stack>
  );
}

/** `/tickets/{number}`: a request, as the viewer may see it (the client side sees the public timeline only). */
export default function TicketPage() {
  const { ref = '' } = useParams();
  const ticket = useTicket(ref);
  if (ticket.isPending) return <Loading />;
  if (ticket.error) return (ticket.error as { status?: number }).status === 404 ? <NotFound /> : <ErrorAlert error={ticket.error} />;
  return <TicketView ticket={ticket.data} />;
}
