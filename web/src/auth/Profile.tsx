import { Alert, Badge, Button, Checkbox, Code, Group, Paper, PasswordInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { del, get, patch, post } from '../api/client';
import { keys, useMe } from '../api/queries';
import { isStaffRole, type ApiToken, type Availability, type Me, type NewApiToken } from '../api/types';
import { setLanguage, type Lang } from '../i18n';
import { NotificationPreferences } from '../notifications/Preferences';
import { dateTime } from '../ui/format';
import { ErrorAlert, notifyError, notifyOk } from '../ui/feedback';
import { Passkeys, Sessions, TwoFactor } from './Security';

const AVAILABILITY: Availability[] = ['available', 'busy', 'away', 'offline'];

function Settings({ me }: { me: Me }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [name, setName] = useState(me.name);
  const [phone, setPhone] = useState(me.phone ?? '');
  const [timeZone, setTimeZone] = useState(me.timeZone);
  const [error, setError] = useState<unknown>(null);
  const save = async (changes: Partial<Me>) => {
    setError(null);
    try {
      const p = await patch<Me>('/me', changes);
      qc.setQueryData(keys.me, { ...me, ...p, csrfToken: me.csrfToken });
      if (changes.locale) setLanguage(changes.locale);
      notifyOk(t('profile.saved'));
    } catch (e) {
      setError(e);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save({ name, phone: phone.trim() || null, timeZone });
  };
  return (
    <Paper withBorder p="md">
      <form onSubmit={submit}>
        <Stack>
          <ErrorAlert error={error} />
          <TextInput label={t('profile.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} required />
          <Select
            label={t('profile.language')}
            value={me.locale}
            allowDeselect={false}
            data={[
              { value: 'en', label: t('lang.en') },
              { value: 'ru', label: t('lang.ru') },
            ]}
            onChange={(v) => v && void save({ locale: v as Lang })}
          />
          {isStaffRole(me.role) && (
            <Select
              label={t('profile.availability')}
              value={me.availability}
              allowDeselect={false}
              data={AVAILABILITY.map((a) => ({ value: a, label: t(`availability.${a}`) }))}
              onChange={(v) => v && void save({ availability: v as Availability })}
            />
          )}
          <TextInput label={t('profile.timeZone')} value={timeZone} onChange={(e) => setTimeZone(e.currentTarget.value)} />
          <TextInput label={t('profile.phone')} value={phone} onChange={(e) => setPhone(e.currentTarget.value)} type="tel" />
          <Group>
            <Button type="submit">{t('profile.save')}</Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function PasswordChange() {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await post('/me/password', { currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      notifyOk(t('profile.passwordChanged'));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Paper withBorder p="md">
      <form onSubmit={submit}>
        <Stack>
          <Title order={2} size="h4">
            {t('profile.passwordTitle')}
          </Title>
          <ErrorAlert error={error} />
          <PasswordInput label={t('profile.currentPassword')} autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.currentTarget.value)} required />
          <PasswordInput label={t('auth.newPassword')} description={t('auth.passwordHint')} autoComplete="new-password" value={next} onChange={(e) => setNext(e.currentTarget.value)} required />
          <Group>
            <Button type="submit" variant="light" disabled={!current || next.length < 10}>
              {t('profile.changePassword')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function Tokens() {
  const { t, i18n } = useTranslation();
  const tokens = useQuery({ queryKey: ['tokens'], queryFn: () => get<{ items: ApiToken[] }>('/me/tokens') });
  const [name, setName] = useState('');
  const [readOnly, setReadOnly] = useState(false);
  const [expiresOn, setExpiresOn] = useState('');
  const [created, setCreated] = useState<NewApiToken | null>(null);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    try {
      // The date is the last day the token works, to its end in the reader's time zone.
      const expiresAt = expiresOn ? new Date(`${expiresOn}T23:59:59`).toISOString() : null;
      setCreated(await post<NewApiToken>('/me/tokens', { name, readOnly, expiresAt }));
      setName('');
      setReadOnly(false);
      setExpiresOn('');
      void tokens.refetch();
    } catch (err) {
      notifyError(t, err);
    }
  };
  const revoke = async (id: string) => {
    try {
      await del(`/me/tokens/${id}`);
      void tokens.refetch();
    } catch (err) {
      notifyError(t, err);
    }
  };
  return (
    <Paper withBorder p="md">
      <Stack>
        <Title order={2} size="h4">
          {t('profile.tokensTitle')}
        </Title>
        <Text size="sm">{t('profile.tokensHelp')}</Text>
        {created && (
          <Alert color="teal">
            {t('profile.newToken')} <Code>{created.token}</Code>
          </Alert>
        )}
        <form onSubmit={create}>
          <Group align="end" wrap="wrap">
            <TextInput label={t('profile.tokenName')} value={name} onChange={(e) => setName(e.currentTarget.value)} required />
            <TextInput label={t('profile.tokenExpires')} type="date" value={expiresOn} onChange={(e) => setExpiresOn(e.currentTarget.value)} />
            <Checkbox label={t('profile.tokenReadOnly')} checked={readOnly} onChange={(e) => setReadOnly(e.currentTarget.checked)} mb={8} />
            <Button type="submit" variant="light" disabled={!name.trim()}>
              {t('profile.createToken')}
            </Button>
          </Group>
        </form>
        {tokens.data?.items.length === 0 && <Text c="dimmed">{t('profile.noTokens')}</Text>}
        {!!tokens.data?.items.length && (
          <Table.ScrollContainer minWidth={400}>
            <Table>
              <Table.Tbody>
                {tokens.data.items.map((tk) => (
                  <Table.Tr key={tk.id}>
                    <Table.Td>
                      {tk.name}
                      {tk.readOnly && (
                        <Badge ml="xs" size="sm" variant="light">
                          {t('profile.readOnly')}
                        </Badge>
                      )}
                      {tk.expiresAt && (
                        <Text size="xs" c="dimmed">
                          {t('profile.expires', { when: dateTime(tk.expiresAt, i18n.language) })}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c="dimmed">
                        {tk.revokedAt ? t('profile.revoked') : tk.lastUsedAt ? t('profile.lastUsed', { when: dateTime(tk.lastUsedAt, i18n.language) }) : t('profile.neverUsed')}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {!tk.revokedAt && (
                        <Button size="xs" variant="subtle" color="red" onClick={() => void revoke(tk.id)}>
                          {t('profile.revoke')}
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Paper>
  );
}

export default function Profile() {
  const { t } = useTranslation();
  const me = useMe().data!;
  return (
    <Stack maw={640}>
      <Title order={1}>{t('profile.title')}</Title>
      <Text c="dimmed">
        {me.email} · {t(`role.${me.role}`)}
      </Text>
      <Settings me={me} key={me.id} />
      <PasswordChange />
      <NotificationPreferences />
      <TwoFactor />
      <Passkeys />
      <Sessions />
      <Tokens />
    </Stack>
  );
}
