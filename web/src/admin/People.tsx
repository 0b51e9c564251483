import { Anchor, Badge, Group, MultiSelect, PasswordInput, SegmentedControl, Select, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { post } from '../api/client';
import { useOrganizations } from '../api/queries';
import type { Line, Role } from '../api/types';
import { DataTable } from '../ui/DataTable';
import { ErrorAlert, Loading } from '../ui/feedback';
import { FormCard } from '../ui/FormCard';
import { usePeople } from './admin.api';

export const ROLES: Role[] = ['requester', 'client_manager', 'agent', 'manager', 'admin'];
export const LINES: Line[] = ['L1', 'L2', 'L3'];
export const isClientRole = (r: Role) => r === 'requester' || r === 'client_manager';

function AddPerson() {
  const { t } = useTranslation();
  const orgs = useOrganizations();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [line, setLine] = useState<Line>('L1');
  const [languages, setLanguages] = useState<string[]>(['ru', 'en']);
  const [organizationId, setOrganizationId] = useState<string | null>(null);
  const [password, setPassword] = useState('');
  const client = isClientRole(role);
  return (
    <FormCard
      inline
      title={t('admin.addPerson')}
      submitLabel={t('admin.add')}
      okMessage={t('admin.added')}
      invalidate={['people', 'staff']}
      onSubmit={() =>
        post('/users', {
          email,
          name,
          role,
          // A new agent takes requests at once: in the languages asked here, available from the start.
          ...(role === 'agent' && { line, languages, availability: 'available' }),
          ...(client && { organizationId }),
          ...(password && { password }),
        })
      }
      onDone={() => {
        setEmail('');
        setName('');
        setPassword('');
      }}
    >
      <TextInput label={t('admin.email')} type="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
      <TextInput label={t('profile.name')} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
      <Select label={t('admin.role')} value={role} allowDeselect={false} onChange={(v) => v && setRole(v as Role)} data={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
      {role === 'agent' && <Select label={t('ticket.line')} value={line} allowDeselect={false} onChange={(v) => v && setLine(v as Line)} data={LINES} w={90} />}
      {role === 'agent' && (
        <MultiSelect
          label={t('admin.languages')}
          description={t('newAgent.languagesHint')}
          value={languages}
          onChange={setLanguages}
          data={[
            { value: 'ru', label: t('lang.ru') },
            { value: 'en', label: t('lang.en') },
          ]}
        />
      )}
      {client && (
        <Select label={t('ticket.organization')} required value={organizationId} onChange={setOrganizationId} data={(orgs.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }))} />
      )}
      <PasswordInput label={t('admin.password')} description={t('auth.passwordHint')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} autoComplete="new-password" />
    </FormCard>
  );
}

/** `/admin/people?role=…&org=…&state=…&q=…`: everyone, filtered (the filters are in the address); add a person. */
export default function People() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const role = params.get('role') ?? '';
  const org = params.get('org') ?? '';
  const state = params.get('state') ?? 'active';
  const q = (params.get('q') ?? '').toLowerCase();
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };
  const orgs = useOrganizations();
  const people = usePeople({ role, organizationId: org });
  const orgName = (id: string | null) => (id ? (orgs.data?.items.find((o) => o.id === id)?.name ?? '') : '—');
  const rows = people.data?.items.filter(
    (p) => (state === 'all' || p.active === (state === 'active')) && (!q || p.name.toLowerCase().includes(q) || p.email.includes(q)),
  );
  return (
    <>
      <AddPerson />
      <Group align="end" wrap="wrap" mb="sm">
        <TextInput label={t('admin.search')} type="search" value={params.get('q') ?? ''} onChange={(e) => set('q', e.currentTarget.value)} />
        <Select label={t('admin.role')} clearable value={role || null} onChange={(v) => set('role', v ?? '')} data={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
        <Select label={t('ticket.organization')} clearable value={org || null} onChange={(v) => set('org', v ?? '')} data={(orgs.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }))} />
        <SegmentedControl
          aria-label={t('admin.status')}
          value={state}
          onChange={(v) => set('state', v === 'active' ? '' : v)}
          data={[
            { value: 'active', label: t('admin.activeOnes') },
            { value: 'inactive', label: t('admin.inactiveOnes') },
            { value: 'all', label: t('admin.all') },
          ]}
        />
      </Group>
      <ErrorAlert error={people.error} />
      {people.isPending && <Loading />}
      <DataTable
        testId="people"
        rows={rows}
        rowKey={(p) => p.id}
        columns={[
          {
            key: 'name',
            label: t('profile.name'),
            render: (p) => (
              <Anchor component={Link} to={`/admin/people/${p.id}`}>
                {p.name}
              </Anchor>
            ),
          },
          {
            key: 'email',
            label: t('admin.email'),
            // A requester known only by their number (SMS, calls) until someone identifies them.
            render: (p) =>
              p.email.endsWith('.invalid') ? (
                <Badge color="yellow" variant="light">
                  {t('admin.toIdentify')}
                </Badge>
              ) : (
                p.email
              ),
          },
          { key: 'role', label: t('admin.role'), render: (p) => t(`role.${p.role}`) },
          { key: 'line', label: t('ticket.line'), render: (p) => p.line ?? '—', nowrap: true },
          { key: 'org', label: t('ticket.organization'), render: (p) => orgName(p.organizationId) },
          {
            key: 'active',
            label: t('admin.status'),
            render: (p) => (p.active ? <Badge color="teal" variant="light">{t('admin.active')}</Badge> : <Badge color="gray">{t('admin.inactive')}</Badge>),
          },
        ]}
      />
    </>
  );
}
