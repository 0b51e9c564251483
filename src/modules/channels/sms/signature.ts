import crypto from 'node:crypto';

/**
 * The signature a Twilio-style gateway sends in `X-Twilio-Signature`: base64 HMAC-SHA1 with the
 * auth token over the full URL it called, followed by each POST parameter's name and value,
 * sorted by name.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = url + Object.keys(params).sort().map((k) => k + params[k]).join('');
  return crypto.createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

/** Compares two secrets in constant time (for equal lengths; a length difference is not secret). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** Whether a Twilio-style signature is right for this URL and these parameters. */
export const validTwilioSignature = (authToken: string, url: string, params: Record<string, string>, signature: string | undefined) =>
  !!signature && sameSecret(twilioSignature(authToken, url, params), signature);
