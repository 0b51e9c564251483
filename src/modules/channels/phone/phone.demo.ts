import { signedHeaders } from '../../../core/http/signature.js';
import type { AppContext } from '../../db.js';
import type { Actor } from '../../identity/index.js';
import { createConnector } from './connectors.service.js';
import { receiveCallEvent } from './cti.service.js';

type Step = { type: 'ringing' | 'answered' | 'hangup'; minutesAgo: number; agent?: string; duration?: number; cause?: string };

/**
 * The demo's telephone: a PBX connector and a few calls of the last hours, posted as the PBX
 * would (signed events): a missed call from client A's IT manager (a callback and a request), a
 * missed call from an unknown number (a callback only), an answered call and an agent's call out.
 */
export async function seedDemoCalls(app: AppContext, admin: Actor) {
  const pbx = await createConnector(app, admin, { name: 'Office PBX (demo)' });
  const desk = '+74950000000';
  let n = 0;
  const call = async (id: string, direction: 'inbound' | 'outbound', party: string, steps: Step[]) => {
    for (const s of steps) {
      const at = new Date(app.clock.now().getTime() - s.minutesAgo * 60_000).toISOString();
      const [from, to] = direction === 'inbound' ? [party, desk] : [desk, party];
      const { minutesAgo: _, ...event } = s;
      const raw = JSON.stringify({ eventId: `demo-${++n}`, callId: id, direction, from, to, at, ...event });
      await receiveCallEvent(app, pbx.id, Buffer.from(raw), 'application/json', signedHeaders(pbx.secret, raw, app.clock.now()));
    }
  };
  await call('demo-out-alice', 'outbound', '+79161110001', [
    { type: 'ringing', minutesAgo: 240, agent: 'l1@demo.test' },
    { type: 'answered', minutesAgo: 239.5, agent: 'l1@demo.test' },
    { type: 'hangup', minutesAgo: 237, duration: 150, cause: 'answered' },
  ]);
  await call('demo-in-bob', 'inbound', '+447911123456', [
    { type: 'ringing', minutesAgo: 180 },
    { type: 'answered', minutesAgo: 179.8, agent: 'l1-en@demo.test' },
    { type: 'hangup', minutesAgo: 175, duration: 288, cause: 'answered' },
  ]);
  await call('demo-missed-igor', 'inbound', '+79161110002', [
    { type: 'ringing', minutesAgo: 120 },
    { type: 'hangup', minutesAgo: 119.5, cause: 'no_answer' },
  ]);
  await call('demo-missed-unknown', 'inbound', '+74951234567', [
    { type: 'ringing', minutesAgo: 90 },
    { type: 'hangup', minutesAgo: 89.6, cause: 'no_answer' },
  ]);
}
