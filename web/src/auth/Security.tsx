import { Alert, Badge, Button, Checkbox, Code, Group, Image, Paper, PasswordInput, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { startRegistration } from '@simplewebauthn/browser';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, del, get, post } from '../api/client';
import type { MfaStatus, SessionInfo } from '../api/types';
import { ConfirmButton } from '../ui/ConfirmButton';
import { ErrorAlert, notifyError, notifyOk } from '../ui/feedback';
import { dateTime } from '../ui/format';

export const mfaKey = ['me', 'mfa'] as const;
export const useMfa = () => useQuery({ queryKey: mfaKey, queryFn: () => get<MfaStatus>('/me/mfa') });

/** Recovery codes, shown once after enrolment or renewal. */
function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert color="yellow" variant="light" title={t('mfa.recoveryTitle')} data-testid="recovery-codes">
      <Stack gap="sm">
        <Text size="sm">{t('mfa.recoveryWarning')}</Text>
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing={4}>
          {codes.map((c) => (
            <Code key={c}>{c}</Code>
          ))}
        </SimpleGrid>
        <Group>
          <Button variant="default" size="xs" onClick={onDone}>
            {t('mfa.savedCodes')}
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}

/** The authenticator app: enrolment (QR code, first code, recovery codes once), or its state and turning it off. */
export function TwoFactor({ onEnrolled }: { onEnrolled?: () => void }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const mfa = useMfa();
  const [enrolling, setEnrolling] = useState<{ secret: string; qrCodeUrl: string } | null>(null);
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: mfaKey });

  const start = async () => {
    setError(null);
    try {
      const r = await post<{ secret: string; qrCodeUrl: string }>('/me/mfa/totp');
      setEnrolling({ secret: r.secret, qrCodeUrl: `${r.qrCodeUrl}?v=${encodeURIComponent(r.secret.slice(0, 6))}` });
    } catch (err) {
      setError(err);
    }
  };
  const confirm = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const r = await post<{ recoveryCodes: string[] }>('/me/mfa/totp/confirm', { code });
      setCodes(r.recoveryCodes);
      setEnrolling(null);
      setCode('');
      await refresh();
    } catch (err) {
      setError(err instanceof ApiError && err.status === 400 ? t('mfa.wrongCode') : err);
    }
  };
  const renew = async () => {
    try {
      setCodes((await post<{ recoveryCodes: string[] }>('/me/mfa/recovery-codes')).recoveryCodes);
      await refresh();
    } catch (err) {
      notifyError(t, err);
    }
  };
  const disable = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await post('/me/mfa/totp/disable', { password });
      setPassword('');
      notifyOk(t('mfa.disabled'));
      await refresh();
    } catch (err) {
      setError(err instanceof ApiError && err.status === 400 ? t('mfa.wrongPassword') : err);
    }
  };
  const forget = async (id: string) => {
    try {
      await del(`/me/mfa/devices/${id}`);
      await refresh();
    } catch (err) {
      notifyError(t, err);
    }
  };

  const m = mfa.data;
  return (
    <Paper withBorder p="md">
      <Stack>
        <Group justify="space-between" wrap="wrap">
          <Title order={2} size="h4">
            {t('mfa.title')}
          </Title>
          {m && <Badge color={m.totp ? 'teal' : 'gray'} variant="light">{m.totp ? t('mfa.on') : t('mfa.off')}</Badge>}
        </Group>
        <Text size="sm">{t('mfa.help')}</Text>
        {m?.required && !m.totp && !m.passkeys.length && <Alert color="orange">{t('mfa.requiredByPolicy')}</Alert>}
        {typeof error === 'string' ? (
          <Text c="red" role="alert">
            {error}
          </Text>
        ) : (
          <ErrorAlert error={error} />
        )}
        {codes && (
          <RecoveryCodes
            codes={codes}
            onDone={() => {
              setCodes(null);
              onEnrolled?.();
            }}
          />
        )}
        {m && !m.totp && !enrolling && (
          <Group>
            <Button onClick={() => void start()}>{t('mfa.setUp')}</Button>
          </Group>
        )}
        {enrolling && (
          <form onSubmit={confirm}>
            <Stack>
              <Text size="sm">{t('mfa.scan')}</Text>
              <Image src={enrolling.qrCodeUrl} alt={t('mfa.qrAlt')} w={200} h={200} data-testid="totp-qr" />
              <Text size="sm">{t('mfa.orKey')}</Text>
              <Code data-testid="totp-secret" style={{ overflowWrap: 'anywhere' }}>
                {enrolling.secret}
              </Code>
              <TextInput label={t('mfa.code')} autoComplete="one-time-code" inputMode="numeric" value={code} onChange={(e) => setCode(e.currentTarget.value)} required maw={220} />
              <Group>
                <Button type="submit" disabled={code.trim().length < 6}>
                  {t('mfa.confirm')}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
        {m?.totp && (
          <>
            <Text size="sm">{t('mfa.codesLeft', { count: m.recoveryCodesLeft })}</Text>
            <Group>
              <ConfirmButton question={t('mfa.renewConfirm')} onConfirm={renew}>
                {t('mfa.renew')}
              </ConfirmButton>
            </Group>
            <form onSubmit={disable}>
              <Group align="end" wrap="wrap">
                <PasswordInput label={t('profile.currentPassword')} autoComplete="current-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} required />
                <Button type="submit" variant="light" color="red" disabled={!password}>
                  {t('mfa.turnOff')}
                </Button>
              </Group>
            </form>
          </>
        )}
        {!!m?.rememberedDevices.length && (
          <Stack gap="xs">
            <Text fw={600} size="sm">
              {t('mfa.devices')}
            </Text>
            {m.rememberedDevices.map((d) => (
              <Group key={d.id} justify="space-between" wrap="wrap">
                <Text size="sm">
                  {d.userAgent ?? t('sessions.unknownDevice')} · {t('mfa.until', { when: dateTime(d.expiresAt, i18n.language) })}
                </Text>
                <Button size="xs" variant="subtle" color="red" onClick={() => void forget(d.id)}>
                  {t('mfa.forget')}
                </Button>
              </Group>
            ))}
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}

/** Passkeys: add one (the browser creates it), see and remove them. */
export function Passkeys({ onAdded }: { onAdded?: () => void }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const mfa = useMfa();
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const add = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const { challengeId, options } = await post<{ challengeId: string; options: Parameters<typeof startRegistration>[0]['optionsJSON'] }>('/me/passkeys/options');
      const response = await startRegistration({ optionsJSON: options });
      await post('/me/passkeys', { challengeId, name, response });
      setName('');
      notifyOk(t('mfa.passkeyAdded'));
      await qc.invalidateQueries({ queryKey: mfaKey });
      onAdded?.();
    } catch (err) {
      setError(err instanceof Error && err.name === 'NotAllowedError' ? null : err);
    }
  };
  const remove = async (id: string) => {
    try {
      await del(`/me/passkeys/${encodeURIComponent(id)}`);
      await qc.invalidateQueries({ queryKey: mfaKey });
    } catch (err) {
      notifyError(t, err);
    }
  };
  return (
    <Paper withBorder p="md">
      <Stack>
        <Title order={2} size="h4">
          {t('mfa.passkeysTitle')}
        </Title>
        <Text size="sm">{t('mfa.passkeysHelp')}</Text>
        <ErrorAlert error={error} />
        {mfa.data?.passkeys.map((p) => (
          <Group key={p.id} justify="space-between" wrap="wrap" data-testid="passkey-row">
            <Text size="sm">
              {p.name} · {p.lastUsedAt ? t('profile.lastUsed', { when: dateTime(p.lastUsedAt, i18n.language) }) : t('profile.neverUsed')}
            </Text>
            <ConfirmButton danger question={t('mfa.removePasskeyConfirm', { name: p.name })} onConfirm={() => remove(p.id)}>
              {t('mfa.remove')}
            </ConfirmButton>
          </Group>
        ))}
        <form onSubmit={add}>
          <Group align="end" wrap="wrap">
            <TextInput label={t('mfa.passkeyName')} placeholder={t('mfa.passkeyPlaceholder')} value={name} onChange={(e) => setName(e.currentTarget.value)} required />
            <Button type="submit" variant="light" disabled={!name.trim()}>
              {t('mfa.addPasskey')}
            </Button>
          </Group>
        </form>
      </Stack>
    </Paper>
  );
}

/** A table of sessions with a button to end each (own ones, or a person's for an admin). */
export function SessionTable({ items, onEnd }: { items: SessionInfo[]; onEnd: (id: string) => void }) {
  const { t, i18n } = useTranslation();
  if (!items.length) return <Text c="dimmed">{t('sessions.none')}</Text>;
  return (
    <Table.ScrollContainer minWidth={520}>
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('sessions.device')}</Table.Th>
            <Table.Th>{t('sessions.address')}</Table.Th>
            <Table.Th>{t('sessions.created')}</Table.Th>
            <Table.Th>{t('sessions.lastUsed')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((s) => (
            <Table.Tr key={s.id} data-testid="session-row">
              <Table.Td>
                {s.browser || s.os ? [s.browser, s.os].filter(Boolean).join(t('sessions.on')) : t('sessions.unknownDevice')}
                {s.current && (
                  <Badge ml="xs" size="sm" variant="light">
                    {t('sessions.current')}
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>{s.ip ?? '—'}</Table.Td>
              <Table.Td>{dateTime(s.createdAt, i18n.language)}</Table.Td>
              <Table.Td>{s.lastUsedAt ? dateTime(s.lastUsedAt, i18n.language) : '—'}</Table.Td>
              <Table.Td>
                {!s.current && (
                  <Button size="xs" variant="subtle" color="red" onClick={() => onEnd(s.id)}>
                    {t('sessions.end')}
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** My sessions, with "sign out everywhere". */
export function Sessions() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const sessions = useQuery({ queryKey: ['me', 'sessions'], queryFn: () => get<{ items: SessionInfo[] }>('/me/sessions') });
  const [revokeTokens, setRevokeTokens] = useState(false);
  const end = async (id: string) => {
    try {
      await del(`/me/sessions/${id}`);
      await sessions.refetch();
    } catch (err) {
      notifyError(t, err);
    }
  };
  const endAll = async () => {
    try {
      await post('/me/sessions/end-all', { revokeTokens });
      notifyOk(t('sessions.endedAll'));
      await sessions.refetch();
      await qc.invalidateQueries({ queryKey: ['tokens'] });
      await qc.invalidateQueries({ queryKey: mfaKey });
    } catch (err) {
      notifyError(t, err);
    }
  };
  return (
    <Paper withBorder p="md">
      <Stack>
        <Title order={2} size="h4">
          {t('sessions.title')}
        </Title>
        <ErrorAlert error={sessions.error} />
        {sessions.data && <SessionTable items={sessions.data.items} onEnd={(id) => void end(id)} />}
        <Group wrap="wrap">
          <Checkbox label={t('sessions.revokeTokens')} checked={revokeTokens} onChange={(e) => setRevokeTokens(e.currentTarget.checked)} />
          <ConfirmButton danger question={t('sessions.endAllConfirm')} onConfirm={endAll}>
            {t('sessions.endAll')}
          </ConfirmButton>
        </Group>
      </Stack>
    </Paper>
  );
}
