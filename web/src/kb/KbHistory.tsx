import { Anchor, Button, Checkbox, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { get, post } from '../api/client';
import { ErrorAlert, Loading, notifyError, notifyOk } from '../ui/feedback';
import { dateTime } from '../ui/format';
import { useKbPage, useRevisions, type Diff } from './kb.api';

function DiffView({ pageId, from, to }: { pageId: string; from: number; to: number }) {
  const { t } = useTranslation();
  const diff = useQuery({ queryKey: ['kb', 'diff', pageId, from, to], queryFn: () => get<Diff>(`/kb/pages/${pageId}/diff?from=${from}&to=${to}`) });
  if (diff.isPending) return <Loading />;
  if (diff.error) return <ErrorAlert error={diff.error} />;
  const d = diff.data;
  return (
    <Paper withBorder p="sm" data-testid="kb-diff">
      <Text size="sm" fw={600} mb="xs">
        {t('kb.diffTitle', { from, to, added: d.added, removed: d.removed })}
      </Text>
      {d.title.changed && (
        <Text size="sm">
          <del>{d.title.from}</del> → <ins>{d.title.to}</ins>
        </Text>
      )}
      <pre style={{ margin: 0, overflowX: 'auto', fontSize: 13 }}>
        {d.parts.flatMap((p, i) =>
          p.lines.map((line, j) => (
            <div
              key={`${i}-${j}`}
              data-change={p.type}
              style={{ background: p.type === 'added' ? '#d3f9d8' : p.type === 'removed' ? '#ffe3e3' : undefined }}
            >
              {p.type === 'added' ? '+ ' : p.type === 'removed' ? '− ' : '  '}
              {line}
            </div>
          )),
        )}
      </pre>
    </Paper>
  );
}

/** `/kb/{pageId}/history`: every revision, the difference between any two, revert to one. */
export default function KbHistory() {
  const { t, i18n } = useTranslation();
  const { pageId = '' } = useParams();
  const qc = useQueryClient();
  const page = useKbPage(pageId);
  const revisions = useRevisions(pageId);
  const [picked, setPicked] = useState<number[]>([]);
  const items = revisions.data?.items ?? [];
  const latest = items.reduce((m, r) => Math.max(m, r.number), 0);
  const pair = picked.length === 2 ? [...picked].sort((a, b) => a - b) : latest > 1 ? [latest - 1, latest] : null;
  const revert = async (revision: number) => {
    try {
      await post(`/kb/pages/${pageId}/revert`, { revision, baseRevision: page.data?.revision });
      notifyOk(t('kb.reverted', { number: revision }));
      setPicked([]);
    } catch (e) {
      notifyError(t, e);
    }
    await qc.invalidateQueries({ queryKey: ['kb'] });
  };
  const toggle = (n: number) => setPicked((p) => (p.includes(n) ? p.filter((x) => x !== n) : [...p.slice(-1), n]));
  return (
    <Stack maw={900}>
      <Anchor component={Link} to={`/kb/${pageId}`} size="sm">
        ← {page.data?.title ?? ''}
      </Anchor>
      <Title order={1}>{t('kb.historyOf', { title: page.data?.title ?? '' })}</Title>
      <ErrorAlert error={revisions.error} />
      <Table.ScrollContainer minWidth={560}>
        <Table data-testid="kb-revisions">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('kb.compare')}</Table.Th>
              <Table.Th scope="col">#</Table.Th>
              <Table.Th scope="col">{t('kb.change')}</Table.Th>
              <Table.Th scope="col">{t('kb.author')}</Table.Th>
              <Table.Th scope="col">{t('ticket.updated')}</Table.Th>
              <Table.Th scope="col" />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {[...items].reverse().map((r) => (
              <Table.Tr key={r.number}>
                <Table.Td>
                  <Checkbox aria-label={t('kb.compareRevision', { number: r.number })} checked={picked.includes(r.number)} onChange={() => toggle(r.number)} />
                </Table.Td>
                <Table.Td>{r.number}</Table.Td>
                <Table.Td>
                  {t(`kb.kind.${r.kind}`)}
                  {r.summary ? ` — ${r.summary}` : ''}
                </Table.Td>
                <Table.Td>{r.author?.name ?? '—'}</Table.Td>
                <Table.Td>{dateTime(r.createdAt, i18n.language)}</Table.Td>
                <Table.Td>
                  {r.number !== latest && (
                    <Button size="xs" variant="subtle" onClick={() => void revert(r.number)}>
                      {t('kb.revert')}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {pair && <DiffView pageId={pageId} from={pair[0]!} to={pair[1]!} />}
      <Group />
    </Stack>
  );
}
