import { Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** One column of a DataTable: its header and how a row shows in it. */
export interface Column<T> {
  key: string;
  label: ReactNode;
  render: (row: T) => ReactNode;
  /** Keeps the cell on one line (numbers, dates, buttons). */
  nowrap?: boolean;
}

/**
 * A striped table that scrolls sideways inside its own box on narrow screens, with a line saying
 * so when there are no rows. The screens' lists are all this one component.
 */
export function DataTable<T>({
  rows,
  columns,
  rowKey,
  minWidth = 600,
  empty,
  testId,
}: {
  rows: T[] | undefined;
  columns: Column<T>[];
  rowKey: (row: T) => string;
  minWidth?: number;
  empty?: string;
  testId?: string;
}) {
  const { t } = useTranslation();
  if (rows && rows.length === 0)
    return (
      <Text c="dimmed" size="sm" data-testid={testId}>
        {empty ?? t('common.empty')}
      </Text>
    );
  return (
    <Table.ScrollContainer minWidth={minWidth}>
      <Table striped verticalSpacing="xs" data-testid={testId}>
        <Table.Thead>
          <Table.Tr>
            {columns.map((c) => (
              <Table.Th key={c.key} scope="col">
                {c.label}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(rows ?? []).map((row) => (
            <Table.Tr key={rowKey(row)}>
              {columns.map((c) => (
                <Table.Td key={c.key} style={c.nowrap ? { whiteSpace: 'nowrap' } : undefined}>
                  {c.render(row)}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
