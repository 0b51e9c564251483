import { Alert, Anchor, Badge, Button, Group, Paper, Select, SimpleGrid, Stack, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { patch } from '../api/client';
import { useMe, useOrganizations } from '../api/queries';
import type { Line, Person, Role } from '../api/types';
import { NotFound } from '../app/guards';
import { ErrorAlert, Loading } from '../ui/feedback';
import { FormCard, useSubmit } from '../ui/FormCard';
import { usePerson } from './admin.api';
import { TIME_ZONES } from './Calendars';
import { isClientRole, LINES, ROLES } from './People';
import { PersonSecurity } from './PersonSecurity';

function PersonForm({ person }: { person: Person }) {
  const { t } = useTranslation();
  const orgs = useOrganizations();
  const [name, setName] = useState(person.name);
  const [email, setEmail] = useState(person.email);
  const [role, setRole] = useState<Role>(person.role);
  const [organizationId, setOrganizationId] = useState<string | null>(person.organizationId);
  const [line, setLine] = useState<Line | null>(person.line);
  const [skills, setSkills] = useState(person.skills);
  const [languages, setLanguages] = useState(person.languages);
  const [phone, setPhone] = useState(person.phone ?? '');
  const [timeZone, setTimeZone] = useState(person.timeZone);
  const [locale, setLocale] = useState(person.locale);
  const client = isClientRole(role);
  return (
    <FormCard
      testId="person-form"
      invalidate={['people', 'staff']}
      onSubmit={() =>
        patch(`/users/${person.id}`, {
          ...(email !== person.email && { email }),
          name,
          role,
          organizationId: client ? organizationId : null,
          line: client ? null : line,
          skills,
          languages,
          phone: phone || null,
          timeZone,
          locale,
        })
      }
    >
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label={t('profile.name')} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <TextInput
          label={t('admin.email')}
          type="email"
          required
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          description={person.email.endsWith('.invalid') ? t('admin.identifyHint') : undefined}
        />
        <Select label={t('admin.role')} value={role} allowDeselect={false} onChange={(v) => v && setRole(v as Role)} data={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
        {client ? (
          <Select label={t('ticket.organization')} required value={organizationId} onChange={setOrganizationId} data={(orgs.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }))} />
        ) : (
          <Select label={t('ticket.line')} clearable value={line} onChange={(v) => setLine(v as Line | null)} data={LINES} />
        )}
        <TextInput label={t('profile.phone')} type="tel" placeholder="+7 916 123-45-67" value={phone} onChange={(e) => setPhone(e.currentTarget.value)} />
        <TagsInput label={t('admin.skills')} description={t('admin.tagsHint')} value={skills} onChange={setSkills} />
        <TagsInput label={t('admin.languages')} description={t('admin.languagesHint')} value={languages} onChange={setLanguages} data={['en', 'ru']} />
        <Select label={t('profile.timeZone')} searchable value={timeZone} allowDeselect={false} onChange={(v) => v && setTimeZone(v)} data={TIME_ZONES} />
        <Select
          label={t('profile.language')}
          value={locale}
          allowDeselect={false}
          onChange={(v) => v && setLocale(v as typeof locale)}
          data={[
            { value: 'en', label: t('lang.en') },
            { value: 'ru', label: t('lang.ru') },
          ]}
        />
      </SimpleGrid>
    </FormCard>
  );
}

/** Deactivating ends the person's sessions and refuses their sign-in; reactivating lets them in again. */
function ActiveSwitch({ person }: { person: Person }) {
  const { t } = useTranslation();
  const me = useMe().data!;
  const { run, error, busy } = useSubmit(['people', 'staff']);
  const [confirming, setConfirming] = useState(false);
  const self = person.id === me.id;
  return (
    <Paper withBorder p="sm">
      <Title order={3} size="h5" mb="xs">
        {t('admin.access')}
      </Title>
      <ErrorAlert error={error} />
      <Group gap="sm">
        <Text size="sm">{t('admin.status')}:</Text>
        {person.active ? <Badge color="teal" variant="light">{t('admin.active')}</Badge> : <Badge color="gray">{t('admin.inactive')}</Badge>}
      </Group>
      {person.active && !confirming && (
        <Button mt="sm" color="red" variant="light" disabled={self} onClick={() => setConfirming(true)}>
          {t('admin.deactivate')}
        </Button>
      )}
      {person.active && confirming && (
        <Alert mt="sm" color="red" variant="light" title={t('admin.deactivateConfirm', { name: person.name })}>
          <Group gap="sm">
            <Button color="red" loading={busy} onClick={() => void run(() => patch(`/users/${person.id}`, { active: false }), t('admin.deactivated')).then(() => setConfirming(false))}>
              {t('admin.deactivateYes')}
            </Button>
            <Button variant="default" onClick={() => setConfirming(false)}>
              {t('ticket.cancel')}
            </Button>
          </Group>
        </Alert>
      )}
      {!person.active && (
        <Button mt="sm" variant="light" loading={busy} onClick={() => void run(() => patch(`/users/${person.id}`, { active: true }), t('admin.reactivated'))}>
          {t('admin.reactivate')}
        </Button>
      )}
    </Paper>
  );
}

/** `/admin/people/:id`: a person's role, line, skills, languages and phone; deactivate or reactivate. */
export default function PersonEdit() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const person = usePerson(id);
  if (person.isPending) return <Loading />;
  if (person.error) return (person.error as { status?: number }).status === 404 ? <NotFound /> : <ErrorAlert error={person.error} />;
  const p = person.data;
  return (
    <Stack>
      <Anchor component={Link} to="/admin/people" size="sm">
        ← {t('admin.nav.people')}
      </Anchor>
      <div>
        <Title order={2}>{p.name}</Title>
        <Text c="dimmed" size="sm">
          {p.email}
        </Text>
      </div>
      <PersonForm key={p.id} person={p} />
      <ActiveSwitch person={p} />
      <PersonSecurity personId={p.id} name={p.name} />
    </Stack>
  );
}
