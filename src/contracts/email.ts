import { z } from 'zod';
import { Email, Text } from './common.js';

/** The same reason or message in both languages the desk works in. */
export const Bilingual = z.object({ en: z.string(), ru: z.string() });

const Host = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.-]+$|^\[?[0-9a-fA-F:.]+\]?$/, 'a host name or an IP address');
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
const Folder = z.string().trim().min(1).max(200).refine((s) => !/[\u0000-\u001f*%]/.test(s), 'no control characters or wildcards');

const MailboxFields = {
  address: Email.describe('the desk address mail is sent to'),
  name: Text(120).optional(),
  organizationId: z.string().uuid().nullable().optional().describe('mail to it opens requests of this organization; null: route by sender'),
  active: z.boolean().optional(),
  walkInOrganizationId: z
    .string()
    .uuid()
    .nullable()
    .optional()
    .describe('routing by sender: unknown senders whose domain is no client\'s become requesters of this organization; null: they are quarantined'),
  authPolicy: z
    .enum(['quarantine', 'accept_unverified'])
    .optional()
    .describe("mail from a known person's address that fails SPF/DKIM/DMARC: quarantined (the default) or taken in marked as an unverified sender"),
  trustedAuthservId: z
    .string()
    .trim()
    .min(1)
    .max(253)
    .regex(/^[A-Za-z0-9._-]+$/, 'an authserv-id such as mx.google.com')
    .nullable()
    .optional()
    .describe("IMAP: trust the Authentication-Results header of the provider with this authserv-id instead of checking here"),
  imap: z
    .object({
      host: Host,
      port: z.number().int().min(1).max(65535).default(993),
      secure: z.boolean().default(true).describe('TLS from the start (993); false: STARTTLS if offered'),
      user: Text(320),
      password: z.string().min(1).max(1000).optional().describe('write-only; leave out to keep the stored one'),
      folder: Folder.default('INBOX'),
      doneAction: z.enum(['flag', 'move']).default('flag').describe('after commit: flag the message (\\Seen and $Tierdesk) or move it'),
      moveTo: Folder.nullable().optional(),
    })
    .nullable()
    .optional()
    .describe('polled over IMAP (with IDLE) when set; otherwise mail reaches the mailbox through the built-in SMTP listener'),
};

export const MailboxCreate = z.object(MailboxFields).superRefine((m, ctx) => {
  if (m.imap && !m.imap.password) ctx.addIssue({ code: 'custom', path: ['imap', 'password'], message: 'required for an IMAP mailbox' });
  if (m.imap?.doneAction === 'move' && !m.imap.moveTo) ctx.addIssue({ code: 'custom', path: ['imap', 'moveTo'], message: 'required to move messages' });
});
export const MailboxPatch = z.object({ ...MailboxFields, address: MailboxFields.address.optional() }).superRefine((m, ctx) => {
  if (m.imap?.doneAction === 'move' && !m.imap.moveTo) ctx.addIssue({ code: 'custom', path: ['imap', 'moveTo'], message: 'required to move messages' });
});

export const Mailbox = z.object({
  id: z.string(),
  address: z.string(),
  name: z.string(),
  kind: z.enum(['smtp', 'imap']),
  organizationId: z.string().nullable(),
  routeBySender: z.boolean(),
  walkInOrganizationId: z.string().nullable(),
  authPolicy: z.enum(['quarantine', 'accept_unverified']),
  trustedAuthservId: z.string().nullable(),
  active: z.boolean(),
  imap: z
    .object({
      host: z.string(),
      port: z.number(),
      secure: z.boolean(),
      user: z.string(),
      hasPassword: z.boolean(),
      folder: z.string(),
      doneAction: z.enum(['flag', 'move']),
      moveTo: z.string().nullable(),
      lastPolledAt: z.string().nullable(),
      lastError: z.string().nullable(),
    })
    .nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const Mailboxes = z.object({ items: z.array(Mailbox) });

export const MessageStatus = z.enum(['created', 'appended', 'ignored', 'bounce', 'quarantined', 'duplicate']);

export const SkippedAttachment = z.object({
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  reason: z.string(),
  reasonText: Bilingual.nullable(),
  detail: z.string().nullable(),
});

export const InboundMessage = z.object({
  id: z.string(),
  mailboxId: z.string().nullable(),
  source: z.enum(['smtp', 'imap']),
  messageId: z.string().nullable(),
  from: z.object({ address: z.string().nullable(), name: z.string().nullable() }),
  envelopeFrom: z.string().nullable(),
  subject: z.string(),
  receivedAt: z.string(),
  processedAt: z.string(),
  status: MessageStatus,
  reason: z.string().nullable(),
  reasonText: Bilingual.nullable(),
  detail: z.string().nullable(),
  ticketId: z.string().nullable(),
  entryId: z.number().nullable().describe("the request's timeline entry it added (a reply); null: it opened the request, or none"),
  personId: z.string().nullable(),
  organizationId: z.string().nullable(),
  size: z.number(),
  attempts: z.number(),
  skippedAttachments: z.array(SkippedAttachment),
  authentication: z
    .object({
      verdict: z.enum(['pass', 'fail']),
      summary: z.string().nullable().describe('e.g. spf=pass dkim=none dmarc=fail (p=REJECT) arc=none'),
    })
    .nullable()
    .describe('SPF, DKIM, DMARC and ARC of the From; null: not checked'),
  unverifiedSender: z.boolean().describe('taken in although it failed authentication: the sender may be forged'),
  quotedText: z.string().nullable().describe('what was trimmed off the text the request shows: quoted history, signature'),
  signature: z
    .object({
      kind: z.enum(['smime', 'pgp']),
      status: z.enum(['valid', 'invalid', 'unverified']),
      verified: z.boolean().describe('the signature matches the content; the certificate is not checked against a trusted authority'),
      signer: z.string().nullable(),
      text: Bilingual,
    })
    .nullable()
    .describe('the message was signed (multipart/signed): S/MIME signatures are verified, OpenPGP ones are not'),
  originalUrl: z.string(),
});
export const InboundMessageDetail = InboundMessage.extend({ html: z.string().nullable().describe('the HTML body, sanitized') });
export const InboundMessagePage = z.object({ items: z.array(InboundMessage), nextCursor: z.string().nullable() });

export const MessageListQuery = z.object({
  status: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (!s) return undefined;
      const parts = s.split(',').map((p) => p.trim());
      for (const p of parts)
        if (!MessageStatus.safeParse(p).success) {
          ctx.addIssue({ code: 'custom', message: `unknown status ${p}` });
          return z.NEVER;
        }
      return parts as z.infer<typeof MessageStatus>[];
    })
    .describe('comma list; quarantined for the quarantine'),
  reason: z
    .string()
    .max(500)
    .optional()
    .transform((s) => (s ? s.split(',').map((p) => p.trim()).filter(Boolean) : undefined))
    .describe('comma list of reasons: duplicate, auto_reply, bulk, loop, bounce, unreadable…'),
  q: z.string().max(200).optional().describe("words in the sender's address or name, or the subject"),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const ReprocessBody = z.object({
  acceptNoise: z.boolean().default(false).describe('treat it as written by a person even if it looks automatic'),
  acceptUnverified: z.boolean().default(false).describe('take it in although it failed authentication (marked as an unverified sender)'),
});
export const ReprocessResult = z.object({ message: InboundMessage, outcome: z.enum(['created', 'appended', 'ignored', 'bounce', 'quarantined', 'duplicate']) });

export const FailingAddress = z.object({
  address: z.string(),
  statusCode: z.string().nullable(),
  diagnostic: z.string().nullable(),
  bounceCount: z.number(),
  firstFailedAt: z.string(),
  lastFailedAt: z.string(),
});
export const FailingAddresses = z.object({ items: z.array(FailingAddress) });
export const AddressParam = z.object({ address: Email });
