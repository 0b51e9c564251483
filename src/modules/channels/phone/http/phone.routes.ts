import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses, IdParam } from '../../../../contracts/common.js';
import * as c from '../../../../contracts/phone.js';
import type { HttpServer } from '../../../../core/http/server.js';
import type { AppContext } from '../../../db.js';
import { actorOf } from '../../../identity/http/auth.hooks.js';
import * as callbacks from '../callbacks.service.js';
import * as calls from '../calls.service.js';
import * as connectors from '../connectors.service.js';
import { connectorLookup, receiveCallEvent } from '../cti.service.js';
import { namesFor } from '../names.js';
import type { CallRow } from '../phone.repo.js';
import { presentCall, presentCallback, presentConnector, presentConnectorWithSecret, presentLookup } from './presenters.js';

const tags = ['phone'];
/** A call event is a few hundred bytes; anything near this is not one. */
const CALL_EVENT_MAX_BYTES = 16 * 1024;
const SIGNED = 'signed with `x-tierdesk-timestamp` (unix seconds) and `x-tierdesk-signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<payload>">` with the connector\'s secret';

/** The telephone channel: PBX connectors (admins), their signed events, the call log, caller lookup and callbacks (staff). */
export async function phoneRoutes(http: HttpServer, app: AppContext) {
  const url = app.config.publicUrl;
  const presentPage = async (rows: CallRow[]) => {
    const names = await namesFor(app, rows);
    return rows.map((r) => presentCall(r, names));
  };

  http.get('/api/v1/phone/connectors', {
    schema: { tags, description: 'Admins only.', response: { 200: c.Connectors, ...errorResponses } },
    handler: async (req) => ({ items: (await connectors.listConnectors(app, actorOf(req))).map((x) => presentConnector(x, url)) }),
  });
  http.post('/api/v1/phone/connectors', {
    schema: { tags, body: c.ConnectorCreate, description: 'Admins only. The answer is the only one that shows the secret.', response: { 201: c.ConnectorWithSecret, ...errorResponses } },
    handler: async (req, reply) => reply.code(201).send(presentConnectorWithSecret(await connectors.createConnector(app, actorOf(req), req.body), url)),
  });
  http.get('/api/v1/phone/connectors/:id', {
    schema: { tags, params: IdParam, response: { 200: c.Connector, ...errorResponses } },
    handler: async (req) => presentConnector(await connectors.getConnector(app, actorOf(req), req.params.id), url),
  });
  http.patch('/api/v1/phone/connectors/:id', {
    schema: { tags, params: IdParam, body: c.ConnectorPatch, response: { 200: c.Connector, ...errorResponses } },
    handler: async (req) => presentConnector(await connectors.updateConnector(app, actorOf(req), req.params.id, req.body), url),
  });
  http.post('/api/v1/phone/connectors/:id/secret', {
    schema: { tags, params: IdParam, description: 'A new secret; the old one stops working at once.', response: { 200: c.ConnectorWithSecret, ...errorResponses } },
    handler: async (req) => presentConnectorWithSecret(await connectors.rotateSecret(app, actorOf(req), req.params.id), url),
  });
  http.delete('/api/v1/phone/connectors/:id', {
    schema: { tags, params: IdParam, response: { 204: z.null().describe('deleted'), ...errorResponses } },
    handler: async (req, reply) => {
      await connectors.deleteConnector(app, actorOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  });

  // The signature covers the exact bytes sent, so the events route reads its body raw, as JSON or
  // as a form (the parsers are scoped to this plugin; the rest of the application keeps its own).
  await http.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    const raw = (_req: unknown, body: Buffer, done: (err: null, body: Buffer) => void) => done(null, body);
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: CALL_EVENT_MAX_BYTES }, raw);
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer', bodyLimit: CALL_EVENT_MAX_BYTES }, raw);
    scope.post('/api/v1/phone/connectors/:id/events', {
      config: { public: true },
      schema: {
        tags,
        security: [],
        params: IdParam,
        description:
          'A call event from the PBX: `{eventId, callId, type: ringing|answered|hangup, direction: inbound|outbound, from, to, agent?, at, duration?, cause?}` ' +
          `as JSON or form-encoded, ${SIGNED} over the raw body. The same eventId again answers 200 with \`duplicate: true\` and changes nothing.`,
        response: { 200: c.CallEventResult, ...errorResponses },
      },
      handler: async (req) => {
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const r = await receiveCallEvent(app, req.params.id, body, req.headers['content-type'], req.headers);
        return { ok: true as const, ...r };
      },
    });
  });

  http.get('/api/v1/phone/connectors/:id/lookup', {
    config: { public: true },
    schema: {
      tags,
      security: [],
      params: IdParam,
      querystring: c.LookupQuery,
      description: `Caller identification for the PBX's screen pop, ${SIGNED} over the query string as sent (e.g. \`number=%2B79161110001\`).`,
      response: { 200: c.Lookup, ...errorResponses },
    },
    handler: async (req) => {
      const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
      return presentLookup(await connectorLookup(app, req.params.id, query, req.headers, req.query.number));
    },
  });
  http.get('/api/v1/phone/lookup', {
    schema: { tags, querystring: c.LookupQuery, description: 'Who is calling: staff only. An unknown number answers `caller: null`.', response: { 200: c.Lookup, ...errorResponses } },
    handler: async (req) => presentLookup(await calls.lookup(app, actorOf(req), req.query.number)),
  });

  http.get('/api/v1/phone/calls', {
    schema: { tags, querystring: c.CallListQuery, description: 'The call log, newest first. Staff only.', response: { 200: c.CallPage, ...errorResponses } },
    handler: async (req) => {
      const page = await calls.listCalls(app, actorOf(req), req.query);
      return { items: await presentPage(page.rows), nextCursor: page.nextCursor };
    },
  });
  http.get('/api/v1/phone/calls/:id', {
    schema: { tags, params: IdParam, response: { 200: c.Call, ...errorResponses } },
    handler: async (req) => (await presentPage([await calls.getCall(app, actorOf(req), req.params.id)]))[0]!,
  });
  http.post('/api/v1/phone/calls/:id/ticket', {
    schema: {
      tags,
      params: IdParam,
      body: c.CallTicket,
      description:
        'Makes a request from the call (`subject`, `description`, `requesterId` — default the caller) or adds it to an open request of the caller\'s organization (`ticketId`); ' +
        'notes the call on the request and records its talk time as the agent\'s work, once.',
      response: { 200: c.CallTicketResult, 201: c.CallTicketResult, ...errorResponses },
    },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      const r = await calls.ticketFromCall(app, actor, req.params.id, req.body);
      const call = (await presentPage([await calls.getCall(app, actor, req.params.id)]))[0]!;
      return reply.code(r.created ? 201 : 200).send({ call, ...r });
    },
  });

  http.get('/api/v1/phone/callbacks', {
    schema: { tags, querystring: c.CallbackListQuery, description: 'Missed calls to return, oldest first. Staff only.', response: { 200: c.CallbackList, ...errorResponses } },
    handler: async (req) => {
      const list = await callbacks.listCallbacks(app, actorOf(req), req.query);
      const names = await namesFor(app, list.map((x) => x.head));
      return { items: list.map((x) => presentCallback(x.head, x.merged, names)) };
    },
  });
  http.post('/api/v1/phone/callbacks/:callId/done', {
    schema: { tags, params: c.CallIdParam, description: 'Marks a callback done (the caller was dealt with).', response: { 200: c.Callback, ...errorResponses } },
    handler: async (req) => {
      const { head, merged } = await callbacks.markCallbackDone(app, actorOf(req), req.params.callId);
      return presentCallback(head, merged, await namesFor(app, [head]));
    },
  });
}
