/** Domain errors: services throw these; core/http maps them to HTTP statuses in one place. */
export class DomainError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
/** The thing does not exist, or the caller may not know that it exists (404). */
export class NotFound extends DomainError {
  constructor(what: string) {
    super(`${what} not found`, 'not_found');
  }
}
/** The caller is known but may not do this (403). */
export class Forbidden extends DomainError {
  constructor(message = 'You may not do this') {
    super(message, 'forbidden');
  }
}
/** No valid credentials (401). */
export class Unauthorized extends DomainError {
  constructor(message = 'Sign in first') {
    super(message, 'unauthorized');
  }
}
/** The request conflicts with the current state, e.g. a stale version (409). */
export class Conflict extends DomainError {
  constructor(message: string, code = 'conflict', details?: unknown) {
    super(message, code, details);
  }
}
/** The input is well-formed but not acceptable; `field` names what is wrong (400). */
export class Invalid extends DomainError {
  constructor(message: string, field?: string) {
    super(message, 'invalid', field ? [{ path: field, message }] : undefined);
  }
}
/** Too many attempts; `retryAfterSeconds` says when to try again (429). */
export class TooManyRequests extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message, 'too_many_requests');
  }
}
