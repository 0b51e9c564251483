import crypto from 'node:crypto';

/**
 * How a PBX signs what it sends: HMAC-SHA256 with the connector's secret over
 * "<unix seconds>.<payload>" (the raw body of an event; the query string of a lookup), sent as
 * `x-tierdesk-signature: sha256=<hex>` next to `x-tierdesk-timestamp`. The same recipe as the
 * developers' tracker uses (escalation/signature.ts), so one relay script can serve both.
 */
export const TIMESTAMP_HEADER = 'x-tierdesk-timestamp';
export const SIGNATURE_HEADER = 'x-tierdesk-signature';
/** How far a signed timestamp may be from our clock, either way. */
export const MAX_SKEW_SECONDS = 300;

export const sign = (secret: string, timestamp: string, payload: Buffer | string) =>
  `sha256=${crypto.createHmac('sha256', secret).update(`${timestamp}.`).update(payload).digest('hex')}`;

/** Why a signed call is refused (missing, wrong or stale), or null if it is genuine and fresh. */
export function checkSignature(secret: string, payload: Buffer | string, headers: Record<string, unknown>, now: Date): string | null {
  const timestamp = headers[TIMESTAMP_HEADER];
  const given = headers[SIGNATURE_HEADER];
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) return `missing or malformed ${TIMESTAMP_HEADER}`;
  if (typeof given !== 'string' || !/^sha256=[0-9a-f]{64}$/i.test(given)) return `missing or malformed ${SIGNATURE_HEADER}`;
  const expected = Buffer.from(sign(secret, timestamp, payload).slice('sha256='.length), 'hex');
  if (!crypto.timingSafeEqual(expected, Buffer.from(given.slice('sha256='.length), 'hex'))) return 'wrong signature';
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS) return 'the timestamp is more than 5 minutes away from our clock';
  return null;
}
