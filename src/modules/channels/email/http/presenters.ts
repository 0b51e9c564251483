import { reasonText, signatureText } from '../email.messages.js';
import type { FailingAddressRow, MailboxRow, MessageRow } from '../email.repo.js';
import type { SkippedFile } from '../files.js';

/** Taken in (a request made or answered) although its From failed authentication. */
export const isUnverifiedSender = (m: MessageRow) => m.auth_verdict === 'fail' && (m.status === 'created' || m.status === 'appended');

/** A mailbox for admins: never its IMAP password, only whether one is set. */
export const presentMailbox = (m: MailboxRow) => ({
  id: m.id,
  address: m.address,
  name: m.name,
  kind: m.kind,
  organizationId: m.organization_id,
  routeBySender: m.organization_id === null,
  walkInOrganizationId: m.walk_in_organization_id,
  authPolicy: m.auth_policy,
  trustedAuthservId: m.trusted_authserv_id,
  active: m.active === 1,
  imap:
    m.kind === 'imap'
      ? {
          host: m.imap_host ?? '',
          port: m.imap_port ?? 993,
          secure: m.imap_secure === 1,
          user: m.imap_user ?? '',
          hasPassword: !!m.imap_password,
          folder: m.imap_folder,
          doneAction: m.done_action,
          moveTo: m.move_to,
          lastPolledAt: m.last_polled_at,
          lastError: m.last_error,
        }
      : null,
  createdAt: m.created_at,
  updatedAt: m.updated_at,
});

const presentSignature = (json: string | null) => {
  if (!json) return null;
  const s = JSON.parse(json) as { kind: 'smime' | 'pgp'; status: 'valid' | 'invalid' | 'unverified'; signer: string | null };
  return { kind: s.kind, status: s.status, verified: s.status === 'valid', signer: s.signer, text: signatureText(s.kind, s.status, s.signer) };
};

/** An inbound message for staff and admins, without its HTML (see presentMessageDetail). */
export const presentMessage = (m: MessageRow) => ({
  id: String(m.id),
  mailboxId: m.mailbox_id,
  source: m.source,
  messageId: m.message_id,
  from: { address: m.from_address, name: m.from_name },
  envelopeFrom: m.envelope_from,
  subject: m.subject,
  receivedAt: m.received_at,
  processedAt: m.processed_at,
  status: m.status,
  reason: m.reason,
  reasonText: reasonText(m.reason),
  detail: m.detail,
  ticketId: m.ticket_id,
  entryId: m.entry_id === null ? null : Number(m.entry_id),
  personId: m.person_id,
  organizationId: m.organization_id,
  size: m.raw_size,
  attempts: m.attempts,
  skippedAttachments: (JSON.parse(m.skipped_attachments) as SkippedFile[]).map((s) => ({ ...s, detail: s.detail ?? null, reasonText: reasonText(s.reason) })),
  authentication: m.auth_verdict ? { verdict: m.auth_verdict, summary: m.auth_summary } : null,
  unverifiedSender: isUnverifiedSender(m),
  quotedText: m.quoted_text,
  signature: presentSignature(m.signature),
  originalUrl: `/api/v1/email/messages/${m.id}/original`,
});

export const presentMessageDetail = (m: MessageRow) => ({ ...presentMessage(m), html: m.html_body });

export const presentFailingAddress = (a: FailingAddressRow) => ({
  address: a.address,
  statusCode: a.status_code,
  diagnostic: a.diagnostic,
  bounceCount: a.bounce_count,
  firstFailedAt: a.first_failed_at,
  lastFailedAt: a.last_failed_at,
});
