import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyMultipart from '@fastify/multipart';
import fastifySwagger from '@fastify/swagger';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { DomainError, TooManyRequests } from '../errors.js';
import { attachLifecycle } from './lifecycle.js';
import { pagePolicy } from './csp.js';
import { refuseNul } from './validate.js';

export type HttpServer = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

const STATUS: Record<string, number> = {
  not_found: 404,
  forbidden: 403,
  unauthorized: 401,
  invalid: 400,
  validation_failed: 400,
  too_many_requests: 429,
  sso_required: 403,
  token_expired: 401,
  read_only_token: 403,
  mfa_enrolment_required: 403,
};

/** The JSON body of every error response. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown;
}

export interface ServerOptions {
  logger: Logger;
  /** The largest accepted upload, per file. */
  maxFileBytes: number;
  /** Whether X-Forwarded-For is believed (only behind a proxy that sets it). */
  trustProxy: boolean;
  /**
   * Whether every response is checked against its schema (tests: a presenter that drifts from its
   * contract fails loudly). Off in production, where presenters' explicit shapes are sent as they are.
   */
  validateResponses: boolean;
  title: string;
  version: string;
}

/**
 * The HTTP server without routes: Zod validation for every route, one mapping of errors to
 * statuses, cookies, multipart uploads, security headers and the OpenAPI document.
 */
export async function createHttpServer(opts: ServerOptions): Promise<HttpServer> {
  const app = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: opts.trustProxy,
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  // Request metrics by route, and the draining on shutdown (see lifecycle.ts).
  attachLifecycle(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(opts.validateResponses ? serializerCompiler : () => (data) => JSON.stringify(data));

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const send = (statusCode: number, error: string, message: string, details?: unknown) =>
      reply.code(statusCode).send({ statusCode, error, message, ...(details !== undefined && { details }) } satisfies ErrorBody);
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? 'body';
      const details = err.validation.map((v) => ({
        in: where,
        path: v.instancePath.replace(/^\//, '').replaceAll('/', '.'),
        message: v.message,
      }));
      const first = details[0]!;
      return send(400, 'validation_failed', `${where}${first.path ? `.${first.path}` : ''}: ${first.message}`, details);
    }
    const domain = err as unknown;
    if (domain instanceof DomainError) {
      if (domain instanceof TooManyRequests) reply.header('retry-after', String(domain.retryAfterSeconds));
      return send(STATUS[domain.code] ?? 409, domain.code, domain.message, domain.details);
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      if (err.statusCode === 429 && reply.getHeader('retry-after') === undefined) reply.header('retry-after', '60');
      // The rate limiter's error has no code; it gets the same one as the domain's TooManyRequests.
      const code = err.code ?? (err.statusCode === 429 ? 'too_many_requests' : 'bad_request');
      return send(err.statusCode, code.toLowerCase(), err.message);
    }
    req.log.error({ err, url: req.url, method: req.method }, 'request failed');
    return send(500, 'internal_error', 'Something went wrong on our side; it has been logged');
  });
  app.addHook('preValidation', async (req) => {
    for (const [where, value] of [['body', req.body], ['querystring', req.query], ['params', req.params]] as const) refuseNul(value, where);
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ statusCode: 404, error: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}` }),
  );

  // Helmet's other headers everywhere; the Content-Security-Policy is ours (see csp.ts): the web
  // app's for the web app, and the strictest one for any other HTML that did not set its own.
  await app.register(fastifyHelmet, { contentSecurityPolicy: false, global: true });
  app.addHook('onSend', async (_req, reply, payload) => {
    if (/^text\/html\b/i.test(String(reply.getHeader('content-type') ?? '')) && !reply.hasHeader('content-security-policy'))
      reply.header('content-security-policy', pagePolicy());
    return payload;
  });
  await app.register(fastifyCookie);
  await app.register(fastifyMultipart, { limits: { fileSize: opts.maxFileBytes, files: 10, fields: 10, fieldSize: 256 * 1024 } });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: opts.title, version: opts.version },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'tierdesk_session' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  return app;
}
