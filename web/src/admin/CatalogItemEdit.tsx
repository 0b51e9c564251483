import { ActionIcon, Button, Checkbox, Group, MultiSelect, NumberInput, Paper, Select, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../api/client';
import { useCategories, usePlans } from '../api/queries';
import { FIELD_KINDS, useCatalogItem, type CatalogItem, type FieldKind, type FormField } from '../catalog/catalog.api';
import { ErrorAlert, Loading, notifyOk } from '../ui/feedback';

type Draft = Omit<CatalogItem, 'id' | 'createdAt' | 'updatedAt'>;
const EMPTY: Draft = { name: '', nameRu: '', description: '', descriptionRu: '', type: 'service_request', categoryId: null, line: 'L1', needsApproval: false, firstResponseMinutes: null, resolutionMinutes: null, fields: [], planIds: [], active: true, position: 0 };

/** Choices as an admin types them: one a line, "value | English | Russian". */
const optionsText = (f: FormField) => (f.options ?? []).map((o) => `${o.value} | ${o.label} | ${o.labelRu}`).join('\n');
const parseOptions = (text: string) =>
  text
    .split('\n')
    .map((l) => l.split('|').map((s) => s.trim()))
    .filter((p) => p[0])
    .map(([value, label, labelRu]) => ({ value: value!, label: label || value!, labelRu: labelRu || label || value! }));

function FieldEditor({ field, index, onChange, onRemove }: { field: FormField; index: number; onChange: (f: FormField) => void; onRemove: () => void }) {
  const { t } = useTranslation();
  const [options, setOptions] = useState(optionsText(field));
  return (
    <Paper withBorder p="sm" data-testid="field-editor">
      <Stack gap="xs">
        <Group justify="space-between">
          <Text fw={600} size="sm">
            {t('catalogAdmin.fieldN', { n: index + 1 })}
          </Text>
          <ActionIcon variant="subtle" color="red" onClick={onRemove} aria-label={t('catalogAdmin.removeField')}>
            ×
          </ActionIcon>
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput label={t('catalogAdmin.key')} required value={field.key} onChange={(e) => onChange({ ...field, key: e.currentTarget.value })} />
          <Select
            label={t('catalogAdmin.kind')}
            allowDeselect={false}
            value={field.kind}
            onChange={(v) => onChange({ ...field, kind: v as FieldKind, options: v === 'choice' ? (field.options ?? []) : undefined })}
            data={FIELD_KINDS.map((k) => ({ value: k, label: t(`catalogAdmin.kinds.${k}`) }))}
          />
          <Checkbox mt={{ base: 0, sm: 28 }} label={t('catalogAdmin.required')} checked={field.required} onChange={(e) => onChange({ ...field, required: e.currentTarget.checked })} />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t('catalogAdmin.labelEn')} required value={field.label} onChange={(e) => onChange({ ...field, label: e.currentTarget.value })} />
          <TextInput label={t('catalogAdmin.labelRu')} required value={field.labelRu} onChange={(e) => onChange({ ...field, labelRu: e.currentTarget.value })} />
        </SimpleGrid>
        {field.kind === 'choice' && (
          <Textarea
            label={t('catalogAdmin.options')}
            description={t('catalogAdmin.optionsHelp')}
            autosize
            minRows={2}
            value={options}
            onChange={(e) => {
              setOptions(e.currentTarget.value);
              onChange({ ...field, options: parseOptions(e.currentTarget.value) });
            }}
          />
        )}
      </Stack>
    </Paper>
  );
}

/** `/admin/catalog/:id` (or `new`): an item, its form field by field, its plans, line, targets and approval. */
export default function CatalogItemEdit() {
  const { id } = useParams();
  const isNew = id === 'new';
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const item = useCatalogItem(isNew ? undefined : id);
  const plans = usePlans();
  const categories = useCategories();
  const [draft, setDraft] = useState<Draft | null>(isNew ? EMPTY : null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (item.data) {
      const { id: _id, createdAt: _c, updatedAt: _u, ...rest } = item.data;
      setDraft(rest);
    }
  }, [item.data]);
  if (!draft) return item.error ? <ErrorAlert error={item.error} /> : <Loading />;
  const set = (change: Partial<Draft>) => setDraft({ ...draft, ...change });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const saved = await api<CatalogItem>(isNew ? 'POST' : 'PUT', isNew ? '/catalog/items' : `/catalog/items/${id}`, draft);
      notifyOk(t('common.saved'));
      await qc.invalidateQueries({ queryKey: ['catalog'] });
      if (isNew) navigate(`/admin/catalog/${saved.id}`, { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const catName = (c: { name: string; nameRu: string }) => (i18n.language === 'ru' ? c.nameRu : c.name);
  return (
    <form onSubmit={(e) => void submit(e)}>
      <Stack>
        <Text size="sm">
          <Link to="/admin/catalog">← {t('admin.nav.catalog')}</Link>
        </Text>
        <Title order={2} size="h3">
          {isNew ? t('catalogAdmin.add') : draft.name}
        </Title>
        <ErrorAlert error={error} />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t('catalogAdmin.nameEn')} required value={draft.name} onChange={(e) => set({ name: e.currentTarget.value })} />
          <TextInput label={t('catalogAdmin.nameRu')} required value={draft.nameRu} onChange={(e) => set({ nameRu: e.currentTarget.value })} />
          <Textarea label={t('catalogAdmin.descriptionEn')} autosize minRows={2} value={draft.description} onChange={(e) => set({ description: e.currentTarget.value })} />
          <Textarea label={t('catalogAdmin.descriptionRu')} autosize minRows={2} value={draft.descriptionRu} onChange={(e) => set({ descriptionRu: e.currentTarget.value })} />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Select label={t('ticket.type')} allowDeselect={false} value={draft.type} onChange={(v) => set({ type: v as Draft['type'], needsApproval: v === 'change' ? draft.needsApproval : false })} data={(['service_request', 'change'] as const).map((v) => ({ value: v, label: t(`type.${v}`) }))} />
          <Select label={t('ticket.category')} clearable value={draft.categoryId} onChange={(v) => set({ categoryId: v })} data={(categories.data?.items ?? []).map((c) => ({ value: c.id, label: catName(c) }))} />
          <Select label={t('ticket.line')} allowDeselect={false} value={draft.line} onChange={(v) => set({ line: v as Draft['line'] })} data={['L1', 'L2', 'L3']} />
          <NumberInput label={t('catalogAdmin.firstResponse')} min={1} value={draft.firstResponseMinutes ?? ''} onChange={(v) => set({ firstResponseMinutes: typeof v === 'number' ? v : null })} />
          <NumberInput label={t('catalogAdmin.resolution')} min={1} value={draft.resolutionMinutes ?? ''} onChange={(v) => set({ resolutionMinutes: typeof v === 'number' ? v : null })} />
          <NumberInput label={t('catalogAdmin.position')} min={0} value={draft.position} onChange={(v) => set({ position: typeof v === 'number' ? v : 0 })} />
        </SimpleGrid>
        <MultiSelect label={t('catalogAdmin.plans')} value={draft.planIds} onChange={(planIds) => set({ planIds })} data={(plans.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))} />
        <Group>
          <Checkbox label={t('catalogAdmin.needsApproval')} disabled={draft.type !== 'change'} checked={draft.needsApproval} onChange={(e) => set({ needsApproval: e.currentTarget.checked })} />
          <Checkbox label={t('catalogAdmin.active')} checked={draft.active} onChange={(e) => set({ active: e.currentTarget.checked })} />
        </Group>
        <Title order={3} size="h4">
          {t('catalogAdmin.form')}
        </Title>
        {draft.fields.map((f, i) => (
          <FieldEditor
            key={i}
            index={i}
            field={f}
            onChange={(next) => set({ fields: draft.fields.map((x, j) => (j === i ? next : x)) })}
            onRemove={() => set({ fields: draft.fields.filter((_, j) => j !== i) })}
          />
        ))}
        <Group>
          <Button variant="default" onClick={() => set({ fields: [...draft.fields, { key: `field_${draft.fields.length + 1}`, kind: 'text', label: '', labelRu: '', required: false }] })}>
            {t('catalogAdmin.addField')}
          </Button>
          <Button type="submit" loading={busy}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
