import { Invalid } from '../../core/errors.js';
import type { FormField } from './catalog.tables.js';

/** One checked answer, ready to store: the value shown and, for a person or a file, what it refers to. */
export interface Answer {
  field: FormField;
  value: string;
  refId: string | null;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
export const MAX_TEXT = 4000;

/** A real calendar date written YYYY-MM-DD (2026-02-30 is none). */
export function isCalendarDate(s: string) {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** The problem with one field's answer: `answers.<key>` and a message naming the field's label. */
export const fieldError = (f: FormField, message: string) => new Invalid(`${f.label}: ${message}`, `answers.${f.key}`);

/**
 * Checks the answers of an order form field by field: a required field missing, or a value not of
 * its field's kind, is refused naming the field. People are looked up by `findPerson` (the
 * requester's colleagues only); files come as uploads named by their field's key.
 */
export async function checkAnswers(
  fields: FormField[],
  answers: Record<string, unknown>,
  files: Map<string, { filename: string }>,
  findPerson: (id: string) => Promise<{ id: string; name: string } | undefined>,
): Promise<Answer[]> {
  const known = new Set(fields.map((f) => f.key));
  const unknown = Object.keys(answers).find((k) => !known.has(k));
  if (unknown) throw new Invalid(`The form has no field ${unknown}`, `answers.${unknown}`);
  const out: Answer[] = [];
  for (const f of fields) {
    const raw = f.kind === 'file' ? files.get(f.key) : answers[f.key];
    const empty = raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
    if (empty) {
      if (f.required) throw fieldError(f, 'this field is required');
      continue;
    }
    if (f.kind === 'file') {
      out.push({ field: f, value: (raw as { filename: string }).filename, refId: null });
      continue;
    }
    if (typeof raw !== 'string') throw fieldError(f, 'expected text');
    const value = raw.trim();
    switch (f.kind) {
      case 'text':
        if (value.length > MAX_TEXT) throw fieldError(f, `at most ${MAX_TEXT} characters`);
        out.push({ field: f, value, refId: null });
        break;
      case 'choice':
        if (!f.options?.some((o) => o.value === value)) throw fieldError(f, `not one of the choices (${f.options?.map((o) => o.value).join(', ')})`);
        out.push({ field: f, value, refId: null });
        break;
      case 'date':
        if (!isCalendarDate(value)) throw fieldError(f, 'expected a date YYYY-MM-DD');
        out.push({ field: f, value, refId: null });
        break;
      case 'person': {
        const person = await findPerson(value);
        if (!person) throw fieldError(f, 'no such person in your organization');
        out.push({ field: f, value: person.name, refId: person.id });
        break;
      }
    }
  }
  return out;
}

/** Checks a form as an admin writes it: keys unique and plain, a choice with choices. */
export function checkForm(fields: FormField[]) {
  const seen = new Set<string>();
  for (const [i, f] of fields.entries()) {
    if (seen.has(f.key)) throw new Invalid(`Two fields have the key ${f.key}`, `fields.${i}.key`);
    seen.add(f.key);
    if (f.kind === 'choice' && !f.options?.length) throw new Invalid(`The choice field ${f.key} needs its choices`, `fields.${i}.options`);
    if (f.kind !== 'choice' && f.options?.length) throw new Invalid(`Only a choice field has choices (${f.key})`, `fields.${i}.options`);
  }
}
