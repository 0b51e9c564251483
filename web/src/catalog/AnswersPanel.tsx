import { Anchor, Paper, Table, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { inLang, useAnswers } from './catalog.api';

/** On a request's page: the item it was ordered from and the answers of its form, as fields. */
export function AnswersPanel({ ticketId }: { ticketId: string }) {
  const { t, i18n } = useTranslation();
  const answers = useAnswers(ticketId);
  const data = answers.data;
  if (!data?.item) return null;
  const lang = i18n.language;
  return (
    <Paper withBorder p="sm" data-testid="catalog-answers">
      <Title order={2} size="h5" mb={4}>
        {t('catalog.orderedItem', { name: inLang(lang, data.item.name, data.item.nameRu) })}
      </Title>
      <Table withRowBorders={false} verticalSpacing={4}>
        <Table.Tbody>
          {data.answers.map((a) => (
            <Table.Tr key={a.key}>
              <Table.Th w="40%" fw={500} c="dimmed" style={{ verticalAlign: 'top' }}>
                {inLang(lang, a.label, a.labelRu)}
              </Table.Th>
              <Table.Td className="prewrap" data-answer={a.key}>
                {a.kind === 'file' && a.refId ? <Anchor href={`/api/v1/tickets/${ticketId}/attachments/${a.refId}`}>{a.value}</Anchor> : a.value}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}
