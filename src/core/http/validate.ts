import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { DomainError } from '../errors.js';

/** Validates input that a route could not declare as its schema (e.g. multipart fields); 400 like the rest. */
export function validate<T extends z.ZodType>(schema: T, data: unknown, where = 'body'): z.output<T> {
  refuseNul(data, where);
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const details = r.error.issues.map((i) => ({ in: where, path: i.path.join('.'), message: i.message }));
  const first = details[0]!;
  throw new ValidationFailed(`${where}${first.path ? `.${first.path}` : ''}: ${first.message}`, details);
}

/**
 * Refuses (400) a string holding the NUL character anywhere in the value: PostgreSQL cannot store
 * it in text, and no person types it.
 */
export function refuseNul(value: unknown, where: string, path: string[] = []): void {
  if (typeof value === 'string') {
    if (!value.includes('\u0000')) return;
    const message = 'the NUL character is not allowed';
    throw new ValidationFailed(`${[where, ...path].join('.')}: ${message}`, [{ in: where, path: path.join('.'), message }]);
  }
  if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      refuseNul(k, where, path);
      refuseNul(v, where, [...path, k]);
    }
}

export class ValidationFailed extends DomainError {
  constructor(message: string, details: unknown) {
    super(message, 'validation_failed', details);
  }
}

/**
 * The route's validator, except for the body, which its handler reads and checks itself (a body that
 * may be JSON or multipart): the body schema is then there for the OpenAPI document only.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any route's schema
export const bodyCheckedByHandler: FastifySchemaCompiler<any> = (route) =>
  route.httpPart === 'body' ? (data) => ({ value: data }) : validatorCompiler(route);
