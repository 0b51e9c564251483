import type { OutgoingMessage, SendReceipt } from '../../../../core/mail/transports.js';
import { smsShape } from '../gsm.js';
import type { GatewayRow } from '../sms.repo.js';

/** How long a gateway gets to accept a message: well within the outbox's lease. */
const TIMEOUT_MS = 30_000;
/** Kannel reports: delivered (1), failed (2), buffered (4), accepted by the SMSC (8), rejected by it (16). */
export const KANNEL_DLR_MASK = 1 | 2 | 4 | 8 | 16;

/** A gateway's refusal; `permanent` when trying again cannot help (a 4xx answer other than 429). */
export class GatewayError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

const refusal = (status: number, body: string) =>
  new GatewayError(`The gateway answered ${status}: ${body.trim().slice(0, 300)}`, status >= 400 && status < 500 && status !== 429);

/**
 * Sends through Kannel's sendsms interface. The text goes as UTF-8 with `coding=2` (UCS-2) when it
 * does not fit the GSM alphabet; a long text is split into a concatenated SMS by smsbox (its
 * sendsms-user must allow `max-messages` parts, with `concatenation = true`). Kannel reports
 * delivery to `dlrUrl`.
 */
export async function sendByKannel(g: GatewayRow, mail: OutgoingMessage, dlrUrl: string): Promise<SendReceipt> {
  const shape = smsShape(mail.text);
  const url = new URL(g.kannel_sendsms_url!);
  const q = url.searchParams;
  q.set('username', g.kannel_username ?? '');
  q.set('password', g.kannel_password ?? '');
  if (g.from_number) q.set('from', g.from_number);
  q.set('to', mail.to);
  q.set('text', mail.text);
  q.set('charset', 'UTF-8');
  q.set('coding', shape.coding === 'ucs2' ? '2' : '0');
  q.set('dlr-mask', String(KANNEL_DLR_MASK));
  q.set('dlr-url', dlrUrl);
  const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  const body = await res.text();
  // 202 "0: Accepted for delivery" or "3: Queued for later delivery".
  if (!res.ok) throw refusal(res.status, body);
  return {};
}

/** Sends through a Twilio-style Messages API; the status callback reports delivery. */
export async function sendByTwilio(g: GatewayRow, mail: OutgoingMessage, statusCallback: string): Promise<SendReceipt> {
  const url = `${g.api_base_url}/2010-04-01/Accounts/${encodeURIComponent(g.account_sid!)}/Messages.json`;
  const form = new URLSearchParams({ To: mail.to, Body: mail.text, StatusCallback: statusCallback });
  if (g.from_number) form.set('From', g.from_number);
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${g.account_sid}:${g.secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const body = await res.text();
  if (!res.ok) throw refusal(res.status, body);
  let sid: unknown;
  try {
    sid = (JSON.parse(body) as { sid?: unknown }).sid;
  } catch {
    sid = undefined;
  }
  return { externalId: typeof sid === 'string' ? sid : null };
}
