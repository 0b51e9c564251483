import type { z } from 'zod';
import { DomainError } from '../errors.js';

/** Validates input that a route could not declare as its schema (e.g. multipart fields); 400 like the rest. */
export function validate<T extends z.ZodType>(schema: T, data: unknown, where = 'body'): z.output<T> {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const details = r.error.issues.map((i) => ({ in: where, path: i.path.join('.'), message: i.message }));
  const first = details[0]!;
  throw new ValidationFailed(`${where}${first.path ? `.${first.path}` : ''}: ${first.message}`, details);
}

export class ValidationFailed extends DomainError {
  constructor(message: string, details: unknown) {
    super(message, 'validation_failed', details);
  }
}
