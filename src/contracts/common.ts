import { z } from 'zod';

/** An error response: `error` is a stable code, `message` says what is wrong, `details` names fields. */
export const ErrorResponse = z.object({
  statusCode: z.number(),
  error: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});

export const errorResponses = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};

export const IdParam = z.object({ id: z.string().min(1).max(64) });
export const Uuid = z.string().uuid();
export const Email = z.string().trim().toLowerCase().email().max(254);
export const IsoInstant = z.string().datetime({ offset: true });
export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');
/** A line of text a person types: trimmed, not empty. */
export const Text = (max: number) => z.string().trim().min(1).max(max);
export const Locale = z.enum(['en', 'ru']);

/** A time-zone name such as Europe/Moscow, checked against the runtime's list. */
export const TimeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'unknown time zone');

export const Ok = z.object({ ok: z.literal(true) });
