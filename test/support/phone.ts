import crypto from 'node:crypto';

/**
 * Posts one call event to a PBX connector as the PBX does: JSON signed with the connector's secret
 * (HMAC-SHA256 over "<unix seconds>.<raw body>", worked out here independently of the app's own
 * signing code), at `now` (the app's clock must agree within five minutes).
 */
export async function postCallEvent(base: string, connector: { id: string; secret: string }, event: Record<string, unknown>, now: Date = new Date()) {
  const raw = JSON.stringify(event);
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const signature = `sha256=${crypto.createHmac('sha256', connector.secret).update(`${timestamp}.${raw}`).digest('hex')}`;
  const res = await fetch(`${base}/api/v1/phone/connectors/${connector.id}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tierdesk-timestamp': timestamp, 'x-tierdesk-signature': signature },
    body: raw,
  });
  return { status: res.status, body: (await res.json()) as { callId: string; duplicate: boolean } & Record<string, unknown> };
}
