import { ActionIcon, Anchor, Box, Button, Checkbox, MultiSelect, NumberInput, Select, SimpleGrid, Stack, Table, Text, TextInput, Textarea, Title, VisuallyHidden } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, patch } from '../api/client';
import { usePlans } from '../api/queries';
import type { Plan, Priority } from '../api/types';
import { NotFound } from '../app/guards';
import { ErrorAlert, Loading } from '../ui/feedback';
import { FormCard } from '../ui/FormCard';
import { useCalendars, usePlanSla, type PlanSla } from './admin.api';
import { CHANNELS, COVERAGES } from './Plans';

const PRIORITIES: Priority[] = ['P1', 'P2', 'P3', 'P4'];
const TYPES = ['*', 'incident', 'service_request', 'change', 'problem'] as const;
type Row = { priority: Priority; ticketType: string; firstResponseMinutes: number; resolutionMinutes: number; l1BudgetMinutes: number; l2BudgetMinutes: number };
const MINUTE_FIELDS = ['firstResponseMinutes', 'resolutionMinutes', 'l1BudgetMinutes', 'l2BudgetMinutes'] as const;

/** The plan's terms and its SLA (which calendar its clocks run on, the targets per priority and type) in one form, one Save. */
function PlanForm({ plan, sla }: { plan: Plan; sla: PlanSla }) {
  const { t } = useTranslation();
  const calendars = useCalendars();
  const [name, setName] = useState(plan.name);
  const [coverage, setCoverage] = useState<string>(plan.coverage);
  const [hours, setHours] = useState<number | string>(plan.includedHours);
  const [channels, setChannels] = useState<string[]>(plan.channels);
  const [description, setDescription] = useState(plan.description);
  const [calendarId, setCalendarId] = useState<string>(sla.calendarId ?? '');
  const [extendedId, setExtendedId] = useState<string>(sla.extendedCalendarId ?? '');
  const [pauseOnVendor, setPauseOnVendor] = useState(sla.pauseOnVendor);
  const [rows, setRows] = useState<Row[]>(sla.policies.map((p) => ({ ...p, l2BudgetMinutes: p.l2BudgetMinutes ?? 0 })));
  const calendarOptions = [{ value: '', label: t('admin.roundTheClock') }, ...(calendars.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))];
  const setRow = (i: number, change: Partial<Row>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...change } : r)));
  const rowName = (r: Row) => `${r.priority} · ${r.ticketType === '*' ? t('admin.anyType') : t(`type.${r.ticketType}`)}`;
  // The SLA first: it is what the server may refuse (a budget past the horizon), and then nothing is half-saved.
  const save = async () => {
    await api('PUT', `/plans/${plan.id}/sla`, {
      calendarId: calendarId || null,
      extendedCalendarId: extendedId || null,
      pauseOnVendor,
      policies: rows.map((r) => ({
        priority: r.priority,
        ...(r.ticketType !== '*' && { ticketType: r.ticketType }),
        firstResponseMinutes: r.firstResponseMinutes,
        resolutionMinutes: r.resolutionMinutes,
        l1BudgetMinutes: r.l1BudgetMinutes,
        l2BudgetMinutes: r.l2BudgetMinutes,
      })),
    });
    await patch(`/plans/${plan.id}`, { name, coverage, includedHours: Number(hours), channels, description });
  };
  return (
    <FormCard testId="plan-form" invalidate={['plans', 'planSla']} onSubmit={save}>
      <Title order={3} size="h5" mb="xs">
        {t('admin.planTerms')}
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label={t('ticket.plan')} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <Select label={t('admin.coverage')} value={coverage} allowDeselect={false} onChange={(v) => v && setCoverage(v)} data={COVERAGES.map((c) => ({ value: c, label: t(`coverage.${c}`) }))} />
        <NumberInput label={t('ticket.includedHours')} min={0} max={10000} value={hours} onChange={setHours} />
        <MultiSelect label={t('admin.channels')} value={channels} onChange={setChannels} data={CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) }))} />
      </SimpleGrid>
      <Textarea mt="sm" label={t('admin.description')} value={description} onChange={(e) => setDescription(e.currentTarget.value)} autosize minRows={2} />
      <Box data-testid="plan-sla" mt="lg">
        <Title order={3} size="h5" mb="xs">
          {t('admin.slaTargets')}
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select label={t('admin.calendar')} value={calendarId} allowDeselect={false} onChange={(v) => setCalendarId(v ?? '')} data={calendarOptions} />
          <Select label={t('admin.extendedCalendar')} description={t('admin.extendedCalendarHint')} value={extendedId} allowDeselect={false} onChange={(v) => setExtendedId(v ?? '')} data={calendarOptions} />
        </SimpleGrid>
        <Checkbox mt="sm" label={t('admin.pauseOnVendor')} checked={pauseOnVendor} onChange={(e) => setPauseOnVendor(e.currentTarget.checked)} />
        <Text size="sm" c="dimmed" mt="sm">
          {t('admin.minutesHint')}
        </Text>
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('ticket.priority')}</Table.Th>
                <Table.Th scope="col">{t('ticket.type')}</Table.Th>
                {MINUTE_FIELDS.map((f) => (
                  <Table.Th key={f} scope="col">
                    {t(`admin.policy.${f}`)}
                  </Table.Th>
                ))}
                <Table.Th scope="col">
                  <VisuallyHidden>{t('admin.remove')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r, i) => (
                <Table.Tr key={i} data-testid={`policy-${r.priority}-${r.ticketType}`}>
                  <Table.Td>
                    <Select aria-label={t('ticket.priority')} size="xs" w={80} value={r.priority} allowDeselect={false} onChange={(v) => v && setRow(i, { priority: v as Priority })} data={PRIORITIES} />
                  </Table.Td>
                  <Table.Td>
                    <Select
                      aria-label={t('ticket.type')}
                      size="xs"
                      w={150}
                      value={r.ticketType}
                      allowDeselect={false}
                      onChange={(v) => v && setRow(i, { ticketType: v })}
                      data={TYPES.map((x) => ({ value: x, label: x === '*' ? t('admin.anyType') : t(`type.${x}`) }))}
                    />
                  </Table.Td>
                  {MINUTE_FIELDS.map((f) => (
                    <Table.Td key={f}>
                      <NumberInput
                        aria-label={`${rowName(r)}: ${t(`admin.policy.${f}`)}`}
                        size="xs"
                        w={90}
                        min={f === 'l1BudgetMinutes' ? 1 : 0}
                        max={525600}
                        allowDecimal={false}
                        value={r[f]}
                        onChange={(v) => setRow(i, { [f]: Number(v) || 0 })}
                      />
                    </Table.Td>
                  ))}
                  <Table.Td>
                    <ActionIcon variant="subtle" color="red" aria-label={`${t('admin.remove')}: ${rowName(r)}`} onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                      ×
                    </ActionIcon>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        <Button
          mt="xs"
          size="xs"
          variant="light"
          onClick={() => setRows([...rows, { priority: 'P4', ticketType: '*', firstResponseMinutes: 60, resolutionMinutes: 480, l1BudgetMinutes: 60, l2BudgetMinutes: 0 }])}
        >
          {t('admin.addTarget')}
        </Button>
      </Box>
    </FormCard>
  );
}

/** `/admin/plans/:id`: a plan's terms and its SLA, saved together. */
export default function PlanEdit() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const plans = usePlans();
  const sla = usePlanSla(id);
  if (plans.isPending || sla.isPending) return <Loading />;
  const plan = plans.data?.items.find((p) => p.id === id);
  if (!plan) return plans.error ? <ErrorAlert error={plans.error} /> : <NotFound />;
  return (
    <Stack>
      <Anchor component={Link} to="/admin/plans" size="sm">
        ← {t('admin.nav.plans')}
      </Anchor>
      <Title order={2}>{plan.name}</Title>
      <ErrorAlert error={sla.error} />
      {sla.data && <PlanForm key={plan.id} plan={plan} sla={sla.data} />}
    </Stack>
  );
}
