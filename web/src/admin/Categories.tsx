import { Button, Modal, NumberInput, Select, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { patch, post } from '../api/client';
import { useCategories } from '../api/queries';
import type { Category } from '../api/types';
import { DataTable } from '../ui/DataTable';
import { ErrorAlert } from '../ui/feedback';
import { FormCard } from '../ui/FormCard';

/** The fields of a category, for adding one or changing it. */
function CategoryFields({ value, onChange, parents }: { value: CategoryDraft; onChange: (v: CategoryDraft) => void; parents: Category[] }) {
  const { t, i18n } = useTranslation();
  return (
    <>
      <TextInput label={t('admin.nameEn')} required value={value.name} onChange={(e) => onChange({ ...value, name: e.currentTarget.value })} />
      <TextInput label={t('admin.nameRu')} value={value.nameRu} onChange={(e) => onChange({ ...value, nameRu: e.currentTarget.value })} />
      <Select
        label={t('admin.parent')}
        clearable
        value={value.parentId}
        onChange={(v) => onChange({ ...value, parentId: v })}
        data={parents.map((c) => ({ value: c.id, label: i18n.language === 'ru' && c.nameRu ? c.nameRu : c.name }))}
      />
      <NumberInput label={t('admin.difficulty')} min={1} max={3} allowDecimal={false} value={value.difficulty} onChange={(v) => onChange({ ...value, difficulty: Number(v) || 1 })} w={110} />
    </>
  );
}
type CategoryDraft = { name: string; nameRu: string; parentId: string | null; difficulty: number };
const blank: CategoryDraft = { name: '', nameRu: '', parentId: null, difficulty: 1 };

/** `/admin/categories`: the category tree (a parent's name before its children), with difficulty; add and change. */
export default function Categories() {
  const { t, i18n } = useTranslation();
  const categories = useCategories();
  const items = categories.data?.items ?? [];
  const [draft, setDraft] = useState<CategoryDraft>(blank);
  const [editing, setEditing] = useState<(CategoryDraft & { id: string }) | null>(null);
  const name = (c: Category | undefined) => (c ? (i18n.language === 'ru' && c.nameRu ? c.nameRu : c.name) : '');
  const byId = new Map(items.map((c) => [c.id, c]));
  const path = (c: Category) => (c.parentId ? `${name(byId.get(c.parentId))} › ${name(c)}` : name(c));
  const sorted = [...items].sort((a, b) => path(a).localeCompare(path(b)));
  return (
    <>
      <FormCard
        inline
        title={t('admin.addCategory')}
        submitLabel={t('admin.add')}
        okMessage={t('admin.added')}
        invalidate={['categories']}
        onSubmit={() => post('/categories', { name: draft.name, ...(draft.nameRu && { nameRu: draft.nameRu }), parentId: draft.parentId, difficulty: draft.difficulty })}
        onDone={() => setDraft(blank)}
      >
        <CategoryFields value={draft} onChange={setDraft} parents={items.filter((c) => !c.parentId)} />
      </FormCard>
      <ErrorAlert error={categories.error} />
      <DataTable
        testId="categories"
        minWidth={480}
        rows={categories.data ? sorted : undefined}
        rowKey={(c) => c.id}
        columns={[
          { key: 'name', label: t('ticket.category'), render: path },
          { key: 'difficulty', label: t('admin.difficulty'), render: (c) => c.difficulty, nowrap: true },
          {
            key: 'edit',
            label: t('admin.actions'),
            render: (c) => (
              <Button size="compact-sm" variant="subtle" aria-label={`${t('admin.edit')}: ${c.name}`} onClick={() => setEditing({ id: c.id, name: c.name, nameRu: c.nameRu, parentId: c.parentId, difficulty: c.difficulty })}>
                {t('admin.edit')}
              </Button>
            ),
          },
        ]}
      />
      <Modal opened={!!editing} onClose={() => setEditing(null)} title={editing ? `${t('admin.edit')}: ${editing.name}` : ''}>
        {editing && (
          <FormCard invalidate={['categories']} onSubmit={() => patch(`/categories/${editing.id}`, { name: editing.name, nameRu: editing.nameRu || editing.name, parentId: editing.parentId, difficulty: editing.difficulty })} onDone={() => setEditing(null)}>
            <CategoryFields value={editing} onChange={(v) => setEditing({ ...v, id: editing.id })} parents={items.filter((c) => c.id !== editing.id)} />
          </FormCard>
        )}
      </Modal>
    </>
  );
}
