import { Alert, Button, FileInput, Group, Paper, Select, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api, get } from '../api/client';
import { NotFound } from '../app/guards';
import { ErrorAlert, Loading, notifyOk } from '../ui/feedback';
import { inLang, useCatalogItem, type FormField } from './catalog.api';

type Values = Record<string, string>;
const RISKS = ['low', 'medium', 'high'] as const;
/** Error text dark enough to read on white (WCAG AA). */
const ERROR_PROPS = { c: 'red.9' };

/** The colleagues a "person" field offers: the people of the requester's own company. */
const useColleagues = (enabled: boolean) => useQuery({ queryKey: ['colleagues'], queryFn: () => get<{ items: { id: string; name: string }[] }>('/catalog/people'), enabled, staleTime: 5 * 60_000 });

/** `/catalog/:id`: an item's order form, in the reader's language; a change also states its plan and window. */
export default function OrderPage() {
  const { id } = useParams();
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const item = useCatalogItem(id);
  const fields = item.data?.fields ?? [];
  const colleagues = useColleagues(fields.some((f) => f.kind === 'person'));
  const [values, setValues] = useState<Values>({});
  const [files, setFiles] = useState<Record<string, File | null>>({});
  const [change, setChange] = useState({ risk: 'low', plan: '', rollbackPlan: '', windowStart: '', windowEnd: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (item.isPending) return <Loading />;
  if (item.error instanceof ApiError && item.error.status === 404) return <NotFound />;
  if (!item.data) return <ErrorAlert error={item.error} />;
  const it = item.data;
  const lang = i18n.language;
  const label = (f: FormField) => inLang(lang, f.label, f.labelRu);
  const isChange = it.type === 'change';

  /** What is missing, named in the reader's language, before asking the server. */
  const check = () => {
    const found: Record<string, string> = {};
    for (const f of fields) if (f.required && !(f.kind === 'file' ? files[f.key] : values[f.key]?.trim())) found[f.key] = t('catalog.required');
    if (isChange) {
      for (const k of ['plan', 'rollbackPlan', 'windowStart', 'windowEnd'] as const) if (!change[k].trim()) found[k] = t('catalog.required');
      if (change.windowStart && change.windowEnd && change.windowEnd <= change.windowStart) found.windowEnd = t('changes.windowOrder');
    }
    setErrors(found);
    return Object.keys(found).length === 0;
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!check()) return;
    const answers = Object.fromEntries(fields.filter((f) => f.kind !== 'file' && values[f.key]?.trim()).map((f) => [f.key, values[f.key]!]));
    const body = {
      answers,
      ...(isChange && { change: { ...change, windowStart: new Date(change.windowStart).toISOString(), windowEnd: new Date(change.windowEnd).toISOString() } }),
    };
    const attached = Object.entries(files).filter((x): x is [string, File] => !!x[1]);
    let payload: unknown = body;
    if (attached.length) {
      const form = new FormData();
      form.set('data', JSON.stringify(body));
      for (const [key, file] of attached) form.set(key, file, file.name);
      payload = form;
    }
    setBusy(true);
    try {
      const r = await api<{ ticketId: string; number: string }>('POST', `/catalog/items/${it.id}/order`, payload);
      notifyOk(t('portal.created', { number: r.number }));
      navigate(`/tickets/${r.number}`);
    } catch (err) {
      // A field the server refused is marked at the field, in the reader's language.
      const path = err instanceof ApiError ? (err.details as { path?: string }[] | undefined)?.[0]?.path : undefined;
      const key = path?.replace(/^answers\./, '');
      if (key && (fields.some((f) => f.key === key) || key in change)) setErrors({ [key]: t('catalog.invalidField') });
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const set = (key: string, v: string) => setValues((old) => ({ ...old, [key]: v }));
  const input = (f: FormField) => {
    const common = { key: f.key, label: label(f), required: f.required, error: errors[f.key], errorProps: ERROR_PROPS, 'data-field': f.key };
    switch (f.kind) {
      case 'text':
        return <Textarea {...common} autosize minRows={1} maxRows={6} value={values[f.key] ?? ''} onChange={(e) => set(f.key, e.currentTarget.value)} />;
      case 'choice':
        return <Select {...common} data={(f.options ?? []).map((o) => ({ value: o.value, label: inLang(lang, o.label, o.labelRu) }))} value={values[f.key] ?? null} onChange={(v) => set(f.key, v ?? '')} clearable={!f.required} />;
      case 'date':
        return <TextInput {...common} type="date" value={values[f.key] ?? ''} onChange={(e) => set(f.key, e.currentTarget.value)} />;
      case 'person':
        return <Select {...common} searchable data={(colleagues.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))} value={values[f.key] ?? null} onChange={(v) => set(f.key, v ?? '')} clearable={!f.required} />;
      case 'file':
        return <FileInput {...common} clearable placeholder={t('catalog.chooseFile')} value={files[f.key] ?? null} onChange={(file) => setFiles((old) => ({ ...old, [f.key]: file }))} />;
    }
  };

  return (
    <Stack maw={760}>
      <Text size="sm">
        <Link to="/catalog">← {t('catalog.title')}</Link>
      </Text>
      <Title order={1}>{inLang(lang, it.name, it.nameRu)}</Title>
      {(it.description || it.descriptionRu) && <Text c="dimmed">{inLang(lang, it.description, it.descriptionRu)}</Text>}
      {isChange && it.needsApproval && (
        <Alert color="grape" variant="light">
          {t('catalog.approvalNote')}
        </Alert>
      )}
      <form onSubmit={(e) => void submit(e)} noValidate data-testid="order-form">
        <Stack>
          <ErrorAlert error={error} />
          <Paper withBorder p="md">
            <Stack gap="sm">{fields.length ? fields.map(input) : <Text c="dimmed">{t('catalog.noFields')}</Text>}</Stack>
          </Paper>
          {isChange && (
            <Paper withBorder p="md">
              <Stack gap="sm">
                <Title order={2} size="h4">
                  {t('changes.planTitle')}
                </Title>
                <Select label={t('changes.risk')} required allowDeselect={false} value={change.risk} onChange={(v) => setChange({ ...change, risk: v ?? 'low' })} data={RISKS.map((r) => ({ value: r, label: t(`changes.riskLevel.${r}`) }))} data-field="risk" />
                <Textarea label={t('changes.plan')} required autosize minRows={2} value={change.plan} error={errors.plan} errorProps={ERROR_PROPS} onChange={(e) => setChange({ ...change, plan: e.currentTarget.value })} data-field="plan" />
                <Textarea label={t('changes.rollbackPlan')} required autosize minRows={2} value={change.rollbackPlan} error={errors.rollbackPlan} errorProps={ERROR_PROPS} onChange={(e) => setChange({ ...change, rollbackPlan: e.currentTarget.value })} data-field="rollbackPlan" />
                <SimpleGrid cols={{ base: 1, sm: 2 }}>
                  <TextInput type="datetime-local" label={t('changes.windowStart')} required value={change.windowStart} error={errors.windowStart} errorProps={ERROR_PROPS} onChange={(e) => setChange({ ...change, windowStart: e.currentTarget.value })} data-field="windowStart" />
                  <TextInput type="datetime-local" label={t('changes.windowEnd')} required value={change.windowEnd} error={errors.windowEnd} errorProps={ERROR_PROPS} onChange={(e) => setChange({ ...change, windowEnd: e.currentTarget.value })} data-field="windowEnd" />
                </SimpleGrid>
              </Stack>
            </Paper>
          )}
          <Group>
            <Button type="submit" loading={busy}>
              {t('catalog.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
