import { Alert, Button, FileInput, Group, List, SegmentedControl, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { post } from '../api/client';
import { DataTable } from '../ui/DataTable';
import { ErrorAlert } from '../ui/feedback';
import { useSubmit } from '../ui/FormCard';

type Kind = 'organizations' | 'people' | 'contracts';
interface Problem {
  column: string;
  field: string;
  code: string;
  message: { en: string; ru: string };
  detail?: string;
}
interface ImportResult {
  dryRun: boolean;
  imported: boolean;
  created: number;
  updated: number;
  errorCount: number;
  headerErrors: Problem[];
  rows: { row: number; action: 'create' | 'update' | null; values: Record<string, string>; errors: Problem[] }[];
}

/** `/admin/import`: organizations, people or contracts from a CSV or XLSX file; a preview first, then all rows or none. */
export default function Import() {
  const { t, i18n } = useTranslation();
  const [kind, setKind] = useState<Kind>('organizations');
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const submit = useSubmit(['organizations', 'people', 'users']);
  const lang = i18n.language === 'ru' ? 'ru' : 'en';
  const say = (p: Problem) => `${p.column ? `${p.column}: ` : ''}${p.message[lang]}${p.detail ? ` (${p.detail})` : ''}`;

  const send = async (dryRun: boolean) => {
    if (!file) return;
    const form = new FormData();
    form.append('file', file, file.name);
    const r = await submit.run(
      () => post<ImportResult>(`/import?kind=${kind}&dryRun=${dryRun}`, form),
      dryRun ? t('importData.previewed') : t('importData.done'),
    );
    if (r.ok) setResult(r.value);
  };
  const reset = (f: () => void) => {
    f();
    setResult(null);
  };
  const fieldLabel = (c: string) =>
    kind === 'people' && c === 'name' ? t('importData.fields.fullName') : c in FIELD_KEYS ? t(`importData.fields.${c as keyof typeof FIELD_KEYS}`) : c;
  const columns = result ? [...new Set(result.rows.flatMap((r) => Object.keys(r.values)))] : [];

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {t('importData.help')}
      </Text>
      <SegmentedControl
        aria-label={t('importData.kind')}
        value={kind}
        onChange={(v) => reset(() => setKind(v as Kind))}
        data={(['organizations', 'people', 'contracts'] as const).map((k) => ({ value: k, label: t(`importData.kinds.${k}`) }))}
      />
      <Text size="sm">
        {t('importData.columnsLabel')} {t(`importData.columns.${kind}`)}
      </Text>
      <FileInput label={t('importData.file')} accept=".csv,.xlsx" value={file} onChange={(f) => reset(() => setFile(f))} clearable data-testid="import-file" />
      <Group>
        <Button variant="light" disabled={!file} loading={submit.busy} onClick={() => void send(true)}>
          {t('importData.preview')}
        </Button>
        <Button disabled={!result || !result.dryRun || result.errorCount > 0} loading={submit.busy} onClick={() => void send(false)}>
          {t('importData.import')}
        </Button>
      </Group>
      <ErrorAlert error={submit.error} />
      {result && (
        <>
          <Alert color={result.errorCount ? 'red' : result.imported ? 'green' : 'blue'} data-testid="import-summary">
            {result.imported ? t('importData.imported', { created: result.created, updated: result.updated }) : t('importData.summary', { created: result.created, updated: result.updated, errors: result.errorCount })}
          </Alert>
          {result.headerErrors.length > 0 && (
            <List size="sm" c="red.9" data-testid="import-header-errors">
              {result.headerErrors.map((p, i) => (
                <List.Item key={i}>{`${t('importData.row')} 1 · ${say(p)}`}</List.Item>
              ))}
            </List>
          )}
          <DataTable
            testId="import-rows"
            minWidth={640}
            // A bare row number says nothing as a card's title: "Row 3" with the rest.
            cardTitle={false}
            rows={result.rows}
            rowKey={(r) => String(r.row)}
            columns={[
              { key: 'row', label: t('importData.row'), render: (r) => r.row, nowrap: true },
              {
                key: 'action',
                label: t('importData.action'),
                nowrap: true,
                render: (r) => (r.errors.length ? <Text size="sm" c="red.9">{t('importData.error')}</Text> : r.action && t(`importData.actions.${r.action}`)),
              },
              {
                key: 'errors',
                label: t('importData.errors'),
                render: (r) =>
                  r.errors.length > 0 && (
                    <Stack gap={0} miw={200}>
                      {r.errors.map((p, i) => (
                        <Text key={i} size="xs" c="red.9">
                          {say(p)}
                        </Text>
                      ))}
                    </Stack>
                  ),
              },
              ...columns.map((c) => ({ key: c, label: fieldLabel(c), render: (r: ImportResult['rows'][number]) => r.values[c] ?? '' })),
            ]}
          />
        </>
      )}
    </Stack>
  );
}

/** The fields a file's columns map to, for the preview's headings. */
const FIELD_KEYS = { name: 1, plan: 1, domains: 1, contractStartsOn: 1, contractEndsOn: 1, email: 1, role: 1, organization: 1, line: 1, phone: 1, language: 1 };
