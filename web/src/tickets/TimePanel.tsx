import { Button, Group, NumberInput, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type * as tt from '../../../src/contracts/timetracking';
import { ApiError, get, post } from '../api/client';
import { notifyError } from '../ui/feedback';
import { dateTime, duration, useNow } from '../ui/format';

type Activity = z.infer<typeof tt.Activity>;
type WorkEntryList = z.infer<typeof tt.WorkEntryList>;
type CurrentTimer = z.infer<typeof tt.CurrentTimer>;
const ACTIVITIES: Activity[] = ['remote', 'on_site', 'call', 'research', 'other'];

/** The time tracker on a request: the running timer, the work entries and their totals, a manual entry. */
export function TimePanel({ ticketId }: { ticketId: string }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const now = useNow(15_000);
  const timer = useQuery({ queryKey: ['timer'], queryFn: () => get<CurrentTimer>('/me/timer'), retry: false });
  const entries = useQuery({ queryKey: ['work', ticketId], queryFn: () => get<WorkEntryList>(`/tickets/${ticketId}/work-entries`), retry: false });
  const [minutes, setMinutes] = useState<number | string>(15);
  const [activity, setActivity] = useState<Activity>('remote');
  const [note, setNote] = useState('');
  // No time tracking on this server (yet), or not for this person: nothing to show.
  if (entries.error instanceof ApiError && (entries.error.status === 404 || entries.error.status === 403)) return null;
  const running = timer.data?.timer;
  const here = running?.ticketId === ticketId;
  const refresh = () => qc.invalidateQueries({ predicate: (q) => q.queryKey[0] === 'timer' || q.queryKey[0] === 'work' });
  const act = async (path: string, body: unknown = {}) => {
    try {
      await post(path, body);
    } catch (e) {
      notifyError(t, e);
    }
    await refresh();
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    await act(`/tickets/${ticketId}/work-entries`, { startedAt: new Date(Date.now() - Number(minutes) * 60_000).toISOString(), minutes: Number(minutes), activity, note: note || undefined });
    setNote('');
  };
  const runningFor = running ? (now - new Date(running.startedAt).getTime()) / 60_000 : 0;
  return (
    <Paper withBorder p="sm" data-testid="time-panel">
      <Stack gap="xs">
        <Title order={2} size="h5">
          {t('tracker.title')}
        </Title>
        {here ? (
          <Group justify="space-between">
            <Text size="sm" fw={600} role="timer">
              {t('tracker.running', { time: duration(t, runningFor) })}
            </Text>
            <Button size="xs" color="red.8" onClick={() => void act(`/tickets/${ticketId}/timer/stop`)}>
              {t('tracker.stop')}
            </Button>
          </Group>
        ) : (
          <Button size="xs" variant="light" onClick={() => void act(`/tickets/${ticketId}/timer/start`)}>
            {running ? t('tracker.switch') : t('tracker.start')}
          </Button>
        )}
        {entries.data && (
          <>
            <Text size="sm">{t('tracker.total', { total: duration(t, entries.data.totals.minutes, true), billable: duration(t, entries.data.totals.billableMinutes, true) })}</Text>
            {entries.data.items.length > 0 && (
              <Table fz="xs">
                <Table.Tbody>
                  {entries.data.items.slice(-5).map((w) => (
                    <Table.Tr key={w.id}>
                      <Table.Td>{w.agentName ?? ''}</Table.Td>
                      <Table.Td>{dateTime(w.startedAt, i18n.language)}</Table.Td>
                      <Table.Td>{duration(t, w.minutes, true)}</Table.Td>
                      <Table.Td>{t(`tracker.activity.${w.activity}`)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </>
        )}
        <form onSubmit={add}>
          <Group align="end" gap="xs" wrap="wrap">
            <NumberInput label={t('tracker.minutes')} value={minutes} onChange={setMinutes} min={1} max={1440} w={90} size="xs" />
            <Select label={t('tracker.activityLabel')} value={activity} allowDeselect={false} onChange={(v) => v && setActivity(v as Activity)} data={ACTIVITIES.map((a) => ({ value: a, label: t(`tracker.activity.${a}`) }))} w={130} size="xs" />
            <TextInput label={t('tracker.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} size="xs" style={{ flex: 1, minWidth: 120 }} />
            <Button type="submit" size="xs" variant="default">
              {t('tracker.add')}
            </Button>
          </Group>
        </form>
      </Stack>
    </Paper>
  );
}
