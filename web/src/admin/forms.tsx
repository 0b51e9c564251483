import { Button, Group, NumberInput, Paper, PasswordInput, Select, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { post } from '../api/client';
import { useOrganizations, usePlans } from '../api/queries';
import type { Line, Role } from '../api/types';
import { ErrorAlert, notifyOk } from '../ui/feedback';

/** A small "add" form: submits, reports the error in place, re-reads the lists. */
function AddForm({ title, onSubmit, children, keys }: { title: string; onSubmit: () => Promise<unknown>; children: ReactNode; keys: string[] }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit();
      notifyOk(t('admin.added'));
      await qc.invalidateQueries({ predicate: (q) => keys.includes(String(q.queryKey[0])) });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Paper withBorder p="sm" mb="md">
      <form onSubmit={submit}>
        <Title order={2} size="h5" mb="xs">
          {title}
        </Title>
        <ErrorAlert error={error} />
        <Group align="end" wrap="wrap" gap="sm">
          {children}
          <Button type="submit" loading={busy}>
            {t('admin.add')}
          </Button>
        </Group>
      </form>
    </Paper>
  );
}

const ROLES: Role[] = ['requester', 'client_manager', 'agent', 'manager', 'admin'];

export function AddPerson() {
  const { t } = useTranslation();
  const orgs = useOrganizations();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [line, setLine] = useState<Line>('L1');
  const [organizationId, setOrganizationId] = useState<string | null>(null);
  const [password, setPassword] = useState('');
  const client = role === 'requester' || role === 'client_manager';
  return (
    <AddForm
      title={t('admin.addPerson')}
      keys={['people', 'staff']}
      onSubmit={() =>
        post('/users', {
          email,
          name,
          role,
          ...(role === 'agent' && { line }),
          ...(client && { organizationId }),
          ...(password && { password }),
        })
      }
    >
      <TextInput label={t('admin.email')} type="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
      <TextInput label={t('profile.name')} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
      <Select label={t('admin.role')} value={role} allowDeselect={false} onChange={(v) => v && setRole(v as Role)} data={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
      {role === 'agent' && <Select label={t('ticket.line')} value={line} allowDeselect={false} onChange={(v) => v && setLine(v as Line)} data={['L1', 'L2', 'L3']} w={90} />}
      {client && (
        <Select label={t('ticket.organization')} required value={organizationId} onChange={setOrganizationId} data={(orgs.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }))} />
      )}
      <PasswordInput label={t('admin.password')} description={t('auth.passwordHint')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} autoComplete="new-password" />
    </AddForm>
  );
}

export function AddCategory() {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [nameRu, setNameRu] = useState('');
  const [difficulty, setDifficulty] = useState<number | string>(1);
  return (
    <AddForm title={t('admin.addCategory')} keys={['categories']} onSubmit={() => post('/categories', { name, ...(nameRu && { nameRu }), difficulty: Number(difficulty) })}>
      <TextInput label={t('admin.nameEn')} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
      <TextInput label={t('admin.nameRu')} value={nameRu} onChange={(e) => setNameRu(e.currentTarget.value)} />
      <NumberInput label={t('admin.difficulty')} min={1} max={3} value={difficulty} onChange={setDifficulty} w={110} />
    </AddForm>
  );
}

export function AddOrganization() {
  const { t } = useTranslation();
  const plans = usePlans();
  const [name, setName] = useState('');
  const [planId, setPlanId] = useState<string | null>(null);
  const [domains, setDomains] = useState('');
  return (
    <AddForm
      title={t('admin.addOrganization')}
      keys={['organizations']}
      onSubmit={() => post('/organizations', { name, planId, domains: domains.split(/[\s,;]+/).filter(Boolean) })}
    >
      <TextInput label={t('ticket.organization')} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
      <Select label={t('ticket.plan')} value={planId} onChange={setPlanId} data={(plans.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))} clearable />
      <TextInput label={t('admin.domains')} placeholder="example.com" value={domains} onChange={(e) => setDomains(e.currentTarget.value)} />
    </AddForm>
  );
}
