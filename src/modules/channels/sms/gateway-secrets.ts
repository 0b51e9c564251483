import type { AppContext } from '../../db.js';
import type { GatewayRow } from './sms.repo.js';

/** A gateway with its secret and Kannel password opened (they are stored sealed), for checking and sending. */
export const openGateway = (app: Pick<AppContext, 'secrets'>, g: GatewayRow): GatewayRow => ({
  ...g,
  secret: app.secrets.open(g.secret),
  kannel_password: g.kannel_password === null ? null : app.secrets.open(g.kannel_password),
});
