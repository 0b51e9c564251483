import { z } from 'zod';
import { errorResponses, IdParam } from '../../../../contracts/common.js';
import * as c from '../../../../contracts/email.js';
import type { HttpServer } from '../../../../core/http/server.js';
import type { AppContext } from '../../../db.js';
import { actorOf } from '../../../identity/http/auth.hooks.js';
import * as mailboxes from '../mailbox.service.js';
import * as messages from '../messages.service.js';
import { presentFailingAddress, presentMailbox, presentMessage, presentMessageDetail } from './presenters.js';
import { sendStoredFile } from '../../../../core/http/files.js';

const tags = ['email'];
const noContent = { 204: z.null().describe('done') };

/**
 * The e-mail channel for admins (mailboxes, the quarantine and re-processing, failing addresses)
 * and for staff (a request's messages, a message's sanitized HTML and its original).
 */
export async function emailRoutes(http: HttpServer, app: AppContext) {
  http.get('/api/v1/email/mailboxes', {
    schema: { tags, response: { 200: c.Mailboxes, ...errorResponses } },
    handler: async (req) => ({ items: (await mailboxes.listMailboxes(app, actorOf(req))).map(presentMailbox) }),
  });
  http.post('/api/v1/email/mailboxes', {
    schema: { tags, body: c.MailboxCreate, response: { 201: c.Mailbox, ...errorResponses } },
    handler: async (req, reply) => reply.code(201).send(presentMailbox(await mailboxes.createMailbox(app, actorOf(req), req.body))),
  });
  http.get('/api/v1/email/mailboxes/:id', {
    schema: { tags, params: IdParam, response: { 200: c.Mailbox, ...errorResponses } },
    handler: async (req) => presentMailbox(await mailboxes.getMailbox(app, actorOf(req), req.params.id)),
  });
  http.patch('/api/v1/email/mailboxes/:id', {
    schema: { tags, params: IdParam, body: c.MailboxPatch, response: { 200: c.Mailbox, ...errorResponses } },
    handler: async (req) => presentMailbox(await mailboxes.updateMailbox(app, actorOf(req), req.params.id, req.body)),
  });
  http.delete('/api/v1/email/mailboxes/:id', {
    schema: { tags, params: IdParam, response: { ...noContent, ...errorResponses } },
    handler: async (req, reply) => {
      await mailboxes.deleteMailbox(app, actorOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  });

  http.get('/api/v1/email/messages', {
    schema: {
      tags,
      querystring: c.MessageListQuery,
      description:
        'Inbound messages (the inbound log), newest first; `status=quarantined` is the quarantine, `reason=duplicate,auto_reply` what was decided and why, `q` words in the sender or subject. Admins only.',
      response: { 200: c.InboundMessagePage, ...errorResponses },
    },
    handler: async (req) => {
      const page = await messages.listMessages(app, actorOf(req), { statuses: req.query.status, reasons: req.query.reason, q: req.query.q, cursor: req.query.cursor, limit: req.query.limit });
      return { items: page.rows.map(presentMessage), nextCursor: page.nextCursor };
    },
  });
  http.get('/api/v1/email/messages/:id', {
    schema: { tags, params: IdParam, response: { 200: c.InboundMessageDetail, ...errorResponses } },
    handler: async (req) => presentMessageDetail(await messages.getMessage(app, actorOf(req), req.params.id)),
  });
  http.get('/api/v1/email/messages/:id/original', {
    schema: { tags, params: IdParam, description: 'The original message (.eml), byte for byte.' },
    handler: async (req, reply) => {
      const { message, stream } = await messages.openOriginal(app, actorOf(req), req.params.id);
      return sendStoredFile(reply, { contentType: 'message/rfc822', filename: `message-${message.id}.eml`, size: message.raw_size }, stream);
    },
  });
  http.post('/api/v1/email/messages/:id/reprocess', {
    schema: {
      tags,
      params: IdParam,
      body: c.ReprocessBody,
      description: 'Processes a quarantined or ignored message again. Admins only.',
      response: { 200: c.ReprocessResult, ...errorResponses },
    },
    handler: async (req) => {
      const r = await messages.reprocessMessage(app, actorOf(req), req.params.id, req.body);
      return { message: presentMessage(r.message), outcome: r.outcome };
    },
  });

  http.get('/api/v1/tickets/:id/emails', {
    schema: { tags, params: IdParam, description: 'The messages a request was made from or answered by. Staff only.', response: { 200: z.object({ items: z.array(c.InboundMessage) }), ...errorResponses } },
    handler: async (req) => ({ items: (await messages.listTicketMessages(app, actorOf(req), req.params.id)).map(presentMessage) }),
  });

  http.get('/api/v1/email/failing-addresses', {
    schema: { tags, response: { 200: c.FailingAddresses, ...errorResponses } },
    handler: async (req) => ({ items: (await messages.listFailingAddresses(app, actorOf(req))).map(presentFailingAddress) }),
  });
  http.delete('/api/v1/email/failing-addresses/:address', {
    schema: { tags, params: c.AddressParam, response: { ...noContent, ...errorResponses } },
    handler: async (req, reply) => {
      await messages.clearFailingAddress(app, actorOf(req), req.params.address);
      return reply.code(204).send(null);
    },
  });
}
