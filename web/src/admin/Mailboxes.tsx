import { Anchor, Badge, Checkbox, Group, NumberInput, PasswordInput, Select, SimpleGrid, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { del, patch, post } from '../api/client';
import { useOrganizations } from '../api/queries';
import { NotFound } from '../app/guards';
import { DataTable } from '../ui/DataTable';
import { ErrorAlert, Loading } from '../ui/feedback';
import { dateTime } from '../ui/format';
import { FormCard, useSubmit } from '../ui/FormCard';
import { useMailboxes, type Mailbox } from './admin.api';
import { ConfirmButton } from '../ui/ConfirmButton';

/** The fields of a mailbox, as the form holds them. */
function draftOf(m?: Mailbox) {
  return {
    address: m?.address ?? '',
    name: m?.name ?? '',
    organizationId: m?.organizationId ?? '',
    active: m?.active ?? true,
    walkInOrganizationId: m?.walkInOrganizationId ?? '',
    authPolicy: m?.authPolicy ?? 'quarantine',
    trustedAuthservId: m?.trustedAuthservId ?? '',
    imap: !!m?.imap,
    host: m?.imap?.host ?? '',
    port: m?.imap?.port ?? 993,
    secure: m?.imap?.secure ?? true,
    user: m?.imap?.user ?? '',
    password: '',
    folder: m?.imap?.folder ?? 'INBOX',
    doneAction: m?.imap?.doneAction ?? 'flag',
    moveTo: m?.imap?.moveTo ?? '',
  };
}
type Draft = ReturnType<typeof draftOf>;

/** The body of POST or PATCH; the IMAP password only when typed (it is write-only). */
function bodyOf(d: Draft) {
  return {
    address: d.address,
    ...(d.name && { name: d.name }),
    organizationId: d.organizationId || null,
    walkInOrganizationId: d.organizationId ? null : d.walkInOrganizationId || null,
    authPolicy: d.authPolicy,
    trustedAuthservId: d.imap ? d.trustedAuthservId.trim() || null : null,
    active: d.active,
    imap: d.imap
      ? { host: d.host, port: d.port, secure: d.secure, user: d.user, ...(d.password && { password: d.password }), folder: d.folder, doneAction: d.doneAction, moveTo: d.moveTo || null }
      : null,
  };
}

function MailboxFields({ value: d, onChange, existing }: { value: Draft; onChange: (d: Draft) => void; existing?: Mailbox }) {
  const { t } = useTranslation();
  const orgs = useOrganizations();
  const set = (change: Partial<Draft>) => onChange({ ...d, ...change });
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <TextInput label={t('admin.mailAddress')} type="email" required value={d.address} onChange={(e) => set({ address: e.currentTarget.value })} />
        <TextInput label={t('admin.name')} value={d.name} onChange={(e) => set({ name: e.currentTarget.value })} />
        <Select
          label={t('admin.mailOrganization')}
          value={d.organizationId}
          allowDeselect={false}
          onChange={(v) => set({ organizationId: v ?? '' })}
          data={[{ value: '', label: t('admin.routeBySender') }, ...(orgs.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }))]}
        />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        {!d.organizationId && (
          <Select
            label={t('admin.mailWalkIn')}
            description={t('admin.mailWalkInHint')}
            value={d.walkInOrganizationId}
            allowDeselect={false}
            onChange={(v) => set({ walkInOrganizationId: v ?? '' })}
            data={[{ value: '', label: t('admin.mailWalkInQuarantine') }, ...(orgs.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }))]}
          />
        )}
        <Select
          label={t('admin.mailAuthPolicy')}
          description={t('admin.mailAuthPolicyHint')}
          value={d.authPolicy}
          allowDeselect={false}
          onChange={(v) => v && set({ authPolicy: v as Draft['authPolicy'] })}
          data={[
            { value: 'quarantine', label: t('admin.mailAuthQuarantine') },
            { value: 'accept_unverified', label: t('admin.mailAuthAcceptUnverified') },
          ]}
        />
        {d.imap && (
          <TextInput
            label={t('admin.mailTrustedAuthserv')}
            description={t('admin.mailTrustedAuthservHint')}
            placeholder="mx.google.com"
            value={d.trustedAuthservId}
            onChange={(e) => set({ trustedAuthservId: e.currentTarget.value })}
          />
        )}
      </SimpleGrid>
      <Group gap="lg">
        <Checkbox label={t('admin.active')} checked={d.active} onChange={(e) => set({ active: e.currentTarget.checked })} />
        <Switch label={t('admin.imap')} checked={d.imap} onChange={(e) => set({ imap: e.currentTarget.checked })} />
      </Group>
      {!d.imap && (
        <Text size="sm" c="dimmed">
          {t('admin.smtpHint')}
        </Text>
      )}
      {d.imap && (
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput label={t('admin.imapHost')} required value={d.host} onChange={(e) => set({ host: e.currentTarget.value })} />
          <NumberInput label={t('admin.imapPort')} min={1} max={65535} allowDecimal={false} value={d.port} onChange={(v) => set({ port: Number(v) || 993 })} />
          <Checkbox mt={28} label={t('admin.imapSecure')} checked={d.secure} onChange={(e) => set({ secure: e.currentTarget.checked })} />
          <TextInput label={t('admin.imapUser')} required value={d.user} onChange={(e) => set({ user: e.currentTarget.value })} autoComplete="off" />
          <PasswordInput
            label={t('admin.imapPassword')}
            description={existing?.imap?.hasPassword ? t('admin.imapPasswordKeep') : undefined}
            required={!existing?.imap?.hasPassword}
            value={d.password}
            onChange={(e) => set({ password: e.currentTarget.value })}
            autoComplete="new-password"
          />
          <TextInput label={t('admin.imapFolder')} value={d.folder} onChange={(e) => set({ folder: e.currentTarget.value })} />
          <Select
            label={t('admin.imapDone')}
            value={d.doneAction}
            allowDeselect={false}
            onChange={(v) => v && set({ doneAction: v as Draft['doneAction'] })}
            data={[
              { value: 'flag', label: t('admin.imapFlag') },
              { value: 'move', label: t('admin.imapMove') },
            ]}
          />
          {d.doneAction === 'move' && <TextInput label={t('admin.imapMoveTo')} required value={d.moveTo} onChange={(e) => set({ moveTo: e.currentTarget.value })} />}
        </SimpleGrid>
      )}
    </Stack>
  );
}

/** `/admin/mailboxes`: the desk's mailboxes (SMTP or IMAP) with their last poll; add one. */
export default function Mailboxes() {
  const { t, i18n } = useTranslation();
  const mailboxes = useMailboxes();
  const orgs = useOrganizations();
  const [draft, setDraft] = useState(draftOf());
  return (
    <>
      <FormCard title={t('admin.addMailbox')} submitLabel={t('admin.add')} okMessage={t('admin.added')} invalidate={['mailboxes']} onSubmit={() => post('/email/mailboxes', bodyOf(draft))} onDone={() => setDraft(draftOf())}>
        <MailboxFields value={draft} onChange={setDraft} />
      </FormCard>
      <ErrorAlert error={mailboxes.error} />
      <DataTable
        testId="mailboxes"
        rows={mailboxes.data?.items}
        rowKey={(m) => m.id}
        columns={[
          {
            key: 'address',
            label: t('admin.mailAddress'),
            render: (m) => (
              <Anchor component={Link} to={`/admin/mailboxes/${m.id}`}>
                {m.address}
              </Anchor>
            ),
          },
          { key: 'kind', label: t('admin.kind'), render: (m) => m.kind.toUpperCase(), nowrap: true },
          { key: 'org', label: t('admin.mailOrganization'), render: (m) => (m.routeBySender ? t('admin.routeBySender') : (orgs.data?.items.find((o) => o.id === m.organizationId)?.name ?? '')) },
          {
            key: 'auth',
            label: t('admin.mailAuthPolicy'),
            render: (m) => (
              <>
                <Text size="sm" data-auth-policy={m.authPolicy}>
                  {m.authPolicy === 'quarantine' ? t('admin.mailAuthQuarantine') : t('admin.mailAuthAcceptUnverified')}
                </Text>
                {m.trustedAuthservId && (
                  <Text size="xs" c="dimmed">
                    {t('admin.mailTrusts', { id: m.trustedAuthservId })}
                  </Text>
                )}
              </>
            ),
          },
          {
            key: 'state',
            label: t('admin.status'),
            render: (m) => (
              <>
                {m.active ? <Badge color="teal" variant="light">{t('admin.active')}</Badge> : <Badge color="gray">{t('admin.inactive')}</Badge>}
                {m.imap?.lastError && (
                  <Text size="xs" c="red.8">
                    {m.imap.lastError}
                  </Text>
                )}
                {m.imap?.lastPolledAt && (
                  <Text size="xs" c="dimmed">
                    {t('admin.lastPolled', { when: dateTime(m.imap.lastPolledAt, i18n.language) })}
                  </Text>
                )}
              </>
            ),
          },
        ]}
      />
    </>
  );
}

function MailboxEditForm({ mailbox }: { mailbox: Mailbox }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [draft, setDraft] = useState(draftOf(mailbox));
  const removal = useSubmit(['mailboxes']);
  return (
    <FormCard
      invalidate={['mailboxes']}
      onSubmit={() => patch(`/email/mailboxes/${mailbox.id}`, bodyOf(draft))}
      actions={
        <ConfirmButton
          danger
          question={t('admin.deleteMailboxConfirm', { address: mailbox.address })}
          busy={removal.busy}
          onConfirm={() => removal.run(() => del(`/email/mailboxes/${mailbox.id}`), t('admin.deleted')).then((r) => r.ok && navigate('/admin/mailboxes'))}
        >
          {t('admin.delete')}
        </ConfirmButton>
      }
    >
      <ErrorAlert error={removal.error} />
      <MailboxFields value={draft} onChange={setDraft} existing={mailbox} />
    </FormCard>
  );
}

/** `/admin/mailboxes/:id`: change or delete a mailbox. */
export function MailboxEdit() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const mailboxes = useMailboxes();
  if (mailboxes.isPending) return <Loading />;
  const m = mailboxes.data?.items.find((x) => x.id === id);
  if (!m) return mailboxes.error ? <ErrorAlert error={mailboxes.error} /> : <NotFound />;
  return (
    <Stack>
      <Anchor component={Link} to="/admin/mailboxes" size="sm">
        ← {t('admin.nav.mailboxes')}
      </Anchor>
      <Title order={2}>{m.address}</Title>
      <MailboxEditForm key={m.id} mailbox={m} />
    </Stack>
  );
}
