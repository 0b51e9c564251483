import { Table, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
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

/** Below Mantine's `sm` breakpoint (48em): a phone, where each row is a card (`.data-cards` in app.css). */
const PHONE_QUERY = '(max-width: 47.99em)';

/**
 * A striped table that scrolls sideways inside its own box if it must, with a line saying so when
 * there are no rows. On a phone each row is a card instead: the title column on top, then each other
 * column as its header beside its value (the same table elements, so rows and cells keep their roles).
 * The screens' lists are all this one component.
 */
export function DataTable<T>({
  rows,
  columns,
  rowKey,
  minWidth = 600,
  empty,
  testId,
  cardTitle = columns[0]?.key,
  cards = true,
}: {
  rows: T[] | undefined;
  columns: Column<T>[];
  rowKey: (row: T) => string;
  minWidth?: number;
  empty?: string;
  testId?: string;
  /** The column that titles a row's card on a phone (the first by default); false: every column labelled. */
  cardTitle?: string | false;
  /** False: a few short columns that fit a phone as they are (minWidth within it) stay a table there. */
  cards?: boolean;
}) {
  const { t } = useTranslation();
  // Measured in the first render (no table drawn first and replaced): the app renders in the browser only.
  const phone = useMediaQuery(PHONE_QUERY, undefined, { getInitialValueInEffect: false });
  if (rows && rows.length === 0)
    return (
      <Text c="dimmed" size="sm" data-testid={testId}>
        {empty ?? t('common.empty')}
      </Text>
    );
  // Each cell carries its column's name, so there is no header row to read twice; the title comes
  // first (also for the keyboard), wherever its column is in the table.
  if (phone && cards) {
    const title = columns.filter((c) => c.key === cardTitle);
    const ordered = [...title, ...columns.filter((c) => c.key !== cardTitle)];
    return (
      <Table className="data-cards" data-testid={testId}>
        <Table.Tbody>
          {(rows ?? []).map((row) => (
            <Table.Tr key={rowKey(row)}>
              {ordered.map((c) =>
                c.key === cardTitle ? (
                  <Table.Td key={c.key} data-card-title>
                    {c.render(row)}
                  </Table.Td>
                ) : (
                  <Table.Td key={c.key}>
                    {c.label !== '' && <div className="data-cards-label">{c.label}</div>}
                    <div className="data-cards-value" style={c.nowrap ? { whiteSpace: 'nowrap' } : undefined}>
                      {c.render(row)}
                    </div>
                  </Table.Td>
                ),
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    );
  }
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
