import { Alert, Anchor, Badge, Grid, Paper, Select, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { get, post } from '../api/client';
import { useMe } from '../api/queries';
import { isStaffRole, type Person, type Status } from '../api/types';
import { NotFound } from '../app/guards';
import { StatusBadge } from '../ui/badges';
import { ErrorAlert, Loading } from '../ui/feedback';
import { FormCard } from '../ui/FormCard';
import { dateTime } from '../ui/format';
import { OutcomeBadge } from './badges';
import { talkTime, useCall, useLookup, type Call, type CallTicketResult, type Lookup } from './phone.api';

/** One line of the call's facts: a label and its value. */
function Fact({ label, children }: { label: string; children: ReactNode }) {
  // A div: the value may be a badge, which a paragraph may not hold.
  return (
    <Text size="sm" component="div">
      <Text span c="dimmed" size="sm">
        {label}:
      </Text>{' '}
      {children}
    </Text>
  );
}

function CallFacts({ call }: { call: Call }) {
  const { t, i18n } = useTranslation();
  const at = (iso: string | null) => (iso ? dateTime(iso, i18n.language) : '—');
  return (
    <Paper withBorder p="sm" data-testid="call-facts">
      <Stack gap={4}>
        <Fact label={t('calls.outcomeLabel')}>
          <OutcomeBadge outcome={call.outcome} />
        </Fact>
        <Fact label={t('calls.direction')}>{t(`calls.dir.${call.direction}`)}</Fact>
        <Fact label={t('calls.from')}>{call.from}</Fact>
        <Fact label={t('calls.to')}>{call.to}</Fact>
        <Fact label={t('calls.started')}>{at(call.startedAt)}</Fact>
        <Fact label={t('calls.answered')}>{at(call.answeredAt)}</Fact>
        <Fact label={t('calls.ended')}>{at(call.endedAt)}</Fact>
        <Fact label={t('calls.talkTime')}>{talkTime(call.talkSeconds)}</Fact>
        <Fact label={t('calls.agent')}>{call.agent?.name ?? call.agentRef ?? '—'}</Fact>
        {call.callback && (
          <Fact label={t('calls.callback')}>
            {t(`calls.callbackStatus.${call.callback.status}`)}
            {call.callback.doneBy && ` · ${call.callback.doneBy.name}`}
          </Fact>
        )}
        <Fact label={t('calls.request')}>
          {call.ticket ? (
            <Anchor component={Link} to={`/tickets/${call.ticket.number}`} data-testid="call-ticket">
              {call.ticket.number}
            </Anchor>
          ) : (
            '—'
          )}
        </Fact>
      </Stack>
    </Paper>
  );
}

/** Who called: the person, organization, plan and contract, from the number. */
function CallerPanel({ lookup }: { lookup: Lookup }) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="sm" data-testid="caller-lookup">
      <Title order={2} size="h5" mb="xs">
        {t('calls.whoIsCalling')}
      </Title>
      {lookup.caller ? (
        <Text size="sm">
          <b>{lookup.caller.name}</b> · {lookup.caller.email}
        </Text>
      ) : (
        <Text size="sm">{t('calls.unknownNumber', { number: lookup.number })}</Text>
      )}
      {lookup.alsoMatches.length > 0 && (
        <Text size="xs" c="dimmed">
          {t('calls.alsoMatches', { names: lookup.alsoMatches.map((p) => p.name).join(', ') })}
        </Text>
      )}
      {lookup.organization && (
        <Text size="sm">
          {t('ticket.organization')}: {lookup.organization.name}
        </Text>
      )}
      {lookup.plan && (
        <Text size="sm">
          {t('ticket.plan')}: {lookup.plan.name}{' '}
          <Badge size="sm" variant="light" color={lookup.plan.phoneSupport ? 'teal' : 'orange'}>
            {lookup.plan.phoneSupport ? t('calls.phoneCovered') : t('calls.phoneNotCovered')}
          </Badge>
        </Text>
      )}
      {lookup.contract && (
        <Text size="sm">
          {lookup.contract.active ? t('admin.contractActive') : t('admin.contractInactive')} ·{' '}
          {t('calls.billableThisMonth', { used: Math.round(lookup.contract.billableMinutesThisMonth / 60), included: Math.round(lookup.contract.includedMinutes / 60) })}
        </Text>
      )}
      {lookup.openRequests.length > 0 && (
        <>
          <Text size="sm" mt="xs" fw={600}>
            {t('ticket.openRequests')}
          </Text>
          {lookup.openRequests.map((o) => (
            <Anchor key={o.id} component={Link} to={`/tickets/${o.number}`} size="sm" display="block" lineClamp={1}>
              {o.number} {o.subject}
            </Anchor>
          ))}
        </>
      )}
    </Paper>
  );
}

/** Make a request from the call, or add the call to one of the caller's open requests. */
function LinkForms({ call, lookup }: { call: Call; lookup: Lookup | undefined }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const caller = call.caller ?? lookup?.caller ?? null;
  const [subject, setSubject] = useState(() => t('calls.defaultSubject', { name: caller?.name ?? call.number ?? call.from }));
  const [description, setDescription] = useState('');
  const [requesterId, setRequesterId] = useState<string | null>(null);
  const [ticketId, setTicketId] = useState<string | null>(null);
  // Without a known caller the agent names the requester (of the call's organization when known).
  const q = new URLSearchParams({ role: 'requester,client_manager', limit: '500' });
  if (call.organization) q.set('organizationId', call.organization.id);
  const people = useQuery({ queryKey: ['people', q.toString()], queryFn: () => get<{ items: Person[] }>(`/users?${q}`), enabled: !caller });
  const open = lookup?.openRequests ?? [];
  const go = (r: unknown) => {
    const number = (r as CallTicketResult).call.ticket?.number;
    if (number) navigate(`/tickets/${number}`);
  };
  const invalidate = ['calls', 'callbacks', 'phoneLookup', 'tickets'];
  return (
    <>
      <FormCard
        title={t('calls.createRequest')}
        submitLabel={t('calls.createRequestButton')}
        okMessage={t('calls.requestCreated')}
        invalidate={invalidate}
        testId="call-create"
        onSubmit={() => post(`/phone/calls/${call.id}/ticket`, { subject, ...(description.trim() && { description }), ...(requesterId && { requesterId }) })}
        onDone={go}
      >
        <Stack gap="sm">
          {!caller && (
            <Select
              label={t('calls.requester')}
              required
              searchable
              value={requesterId}
              onChange={setRequesterId}
              data={(people.data?.items ?? []).filter((p) => p.active).map((p) => ({ value: p.id, label: `${p.name} · ${p.email}` }))}
            />
          )}
          <TextInput label={t('portal.subject')} required value={subject} onChange={(e) => setSubject(e.currentTarget.value)} />
          <Textarea label={t('calls.summary')} description={t('calls.summaryHint')} autosize minRows={3} value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
        </Stack>
      </FormCard>
      {open.length > 0 && (
        <FormCard
          title={t('calls.addToRequest')}
          submitLabel={t('calls.addToRequestButton')}
          okMessage={t('calls.addedToRequest')}
          invalidate={invalidate}
          testId="call-add"
          onSubmit={() => post(`/phone/calls/${call.id}/ticket`, { ticketId })}
          onDone={go}
        >
          <Select
            label={t('calls.openRequest')}
            required
            value={ticketId}
            onChange={setTicketId}
            data={open.map((o) => ({ value: o.id, label: `${o.number} · ${o.subject}` }))}
            renderOption={({ option }) => {
              const o = open.find((x) => x.id === option.value)!;
              return (
                <Stack gap={0}>
                  <Text size="sm">{option.label}</Text>
                  <StatusBadge status={o.status as Status} staff />
                </Stack>
              );
            }}
          />
        </FormCard>
      )}
    </>
  );
}

/** `/calls/:id`: one call, who made it, and linking it to a request. */
export default function CallPage() {
  const { t } = useTranslation();
  const me = useMe().data!;
  const { id = '' } = useParams();
  const call = useCall(id);
  const lookup = useLookup(call.data?.number);
  if (!isStaffRole(me.role)) return <NotFound />;
  if (call.isPending) return <Loading />;
  if (call.error) return (call.error as { status?: number }).status === 404 ? <NotFound /> : <ErrorAlert error={call.error} />;
  const c = call.data;
  const who = c.caller?.name ?? c.number ?? (c.direction === 'inbound' ? c.from : c.to);
  return (
    <Stack>
      <Anchor component={Link} to="/calls?tab=log" size="sm">
        ← {t('calls.title')}
      </Anchor>
      <Title order={1} size="h2">
        {t(c.direction === 'inbound' ? 'calls.callFrom' : 'calls.callTo', { who })}
      </Title>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack>
            {c.ticket ? (
              <Alert color="teal" variant="light">
                {t('calls.linked')}{' '}
                <Anchor component={Link} to={`/tickets/${c.ticket.number}`}>
                  {c.ticket.number}
                </Anchor>
              </Alert>
            ) : !c.endedAt ? (
              <Alert color="blue" variant="light">
                {t('errors.call_in_progress')}
              </Alert>
            ) : lookup.isPending && c.number ? (
              <Loading />
            ) : (
              <LinkForms call={c} lookup={lookup.data} />
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack>
            <CallFacts call={c} />
            <ErrorAlert error={lookup.error} />
            {lookup.data && <CallerPanel lookup={lookup.data} />}
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
