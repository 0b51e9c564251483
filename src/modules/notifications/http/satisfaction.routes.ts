import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorResponses } from '../../../contracts/common.js';
import * as c from '../../../contracts/notifications.js';
import { DomainError } from '../../../core/errors.js';
import type { HttpServer } from '../../../core/http/server.js';
import type { AppContext } from '../../db.js';
import type { Locale } from '../../identity/index.js';
import { ticketNumber } from '../../tickets/index.js';
import * as satisfaction from '../satisfaction.service.js';
import { presentSatisfaction } from './presenters.js';
import type { ServerPage } from '../../../core/http/csp.js';
import { invalidLinkPage, notResolvedPage, ratedPage, ratingFormPage } from './satisfaction.page.js';

const tags = ['notifications'];

/** An empty comment is no comment. */
export const blankToNull = (s: string | null | undefined) => (s === undefined ? undefined : s || null);

const html = (reply: FastifyReply, status: number, page: ServerPage) =>
  reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('content-security-policy', page.csp)
    .type('text/html; charset=utf-8')
    .send(page.html);

const guessLocale = (req: FastifyRequest): Locale => (/^ru\b/i.test(req.headers['accept-language'] ?? '') ? 'ru' : 'en');

/** A refused link as a page in the reader's language; other errors go to the usual handler. */
function refusal(req: FastifyRequest, reply: FastifyReply, err: unknown, locale: Locale = guessLocale(req)) {
  if (err instanceof DomainError && err.code === 'not_found') return html(reply, 404, invalidLinkPage(locale));
  if (err instanceof DomainError && err.code === 'not_resolved') return html(reply, 409, notResolvedPage(locale));
  throw err;
}

/**
 * The one-click rating links of the resolution e-mail: the secret in the link is the credential, so
 * they answer without sign-in (any session cookie is ignored here, and with it the CSRF check, which
 * a plain HTML form could not pass). Registered in a scope of their own for the form parser.
 */
export async function satisfactionLinkRoutes(http: HttpServer, app: AppContext) {
  http.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
  const config = { public: true };
  const ignoreSession = async (req: FastifyRequest) => {
    req.auth = null;
  };

  http.get('/api/v1/satisfaction/:token', {
    config,
    onRequest: ignoreSession,
    schema: {
      tags,
      params: c.RatingTokenParam,
      querystring: c.RatingQuery,
      description:
        'The one-click link: a page with the chosen rating and a button that records it (by POST). Opening the link records nothing, so a mail scanner that follows it changes nothing.',
    },
    handler: async (req, reply) => {
      try {
        const { ticket, locale, current } = await satisfaction.previewRatingLink(app, req.params.token);
        return html(reply, 200, ratingFormPage(locale, ticketNumber(ticket.number), req.query.rating, current?.comment ?? null, `/api/v1/satisfaction/${req.params.token}`));
      } catch (err) {
        return refusal(req, reply, err);
      }
    },
  });

  http.post('/api/v1/satisfaction/:token', {
    config,
    onRequest: ignoreSession,
    schema: {
      tags,
      params: c.RatingTokenParam,
      body: c.RatingBody,
      description: 'The page\'s button (a form, or JSON): records the rating and the optional comment; the link\'s secret is the credential.',
      response: { 200: c.Satisfaction, ...errorResponses },
    },
    handler: async (req, reply) => {
      const form = req.headers['content-type']?.startsWith('application/x-www-form-urlencoded') ?? false;
      try {
        const { saved, ticket, locale } = await satisfaction.rateByLink(app, req.params.token, { rating: req.body.rating, comment: blankToNull(req.body.comment) });
        return form
          ? html(reply, 200, ratedPage(locale, ticketNumber(ticket.number), saved.rating, saved.comment, `/api/v1/satisfaction/${req.params.token}`))
          : presentSatisfaction(saved);
      } catch (err) {
        if (form) return refusal(req, reply, err);
        throw err;
      }
    },
  });
}
