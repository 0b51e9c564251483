import crypto from 'node:crypto';

/**
 * How Tierdesk and the systems it talks to sign a call: HMAC-SHA256 with the shared key over
 * "<unix seconds>.<payload>" (the raw body; a signed lookup's query string), sent as
 * `x-tierdesk-signature: sha256=<hex>` next to `x-tierdesk-timestamp`. Signing the timestamp too lets
 * the receiver refuse replays. Used by the developers' tracker (both ways), outbound webhooks and
 * the PBX connectors, so one relay script can serve them all.
 */
export const TIMESTAMP_HEADER = 'x-tierdesk-timestamp';
export const SIGNATURE_HEADER = 'x-tierdesk-signature';

/** How far a signed timestamp may be from our clock, either way, before the call counts as a replay. */
export const MAX_SKEW_SECONDS = 300;

export function sign(secret: string, timestamp: string, body: Buffer | string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

/** The headers that sign `body` at `now`. */
export function signedHeaders(secret: string, body: string, now: Date): Record<string, string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: sign(secret, timestamp, body) };
}

/** Why a signed call is refused (missing, wrong or stale), or null if it is genuine and fresh. */
export function checkSignature(
  secret: string,
  body: Buffer | string,
  headers: Record<string, unknown>,
  now: Date,
): string | null {
  const timestamp = headers[TIMESTAMP_HEADER];
  const given = headers[SIGNATURE_HEADER];
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp))
    return `missing or malformed ${TIMESTAMP_HEADER}`;
  if (typeof given !== 'string' || !/^sha256=[0-9a-f]{64}$/i.test(given))
    return `missing or malformed ${SIGNATURE_HEADER}`;
  const expected = Buffer.from(sign(secret, timestamp, body).slice('sha256='.length), 'hex');
  // Both are 32 bytes (the pattern above); compared in constant time.
  if (!crypto.timingSafeEqual(expected, Buffer.from(given.slice('sha256='.length), 'hex')))
    return 'wrong signature';
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS)
    return 'the timestamp is too old or too far ahead';
  return null;
}
