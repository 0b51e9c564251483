/**
 * Placeholders of canned replies and macro notes: `{{requester.firstName}}` and the like, filled
 * with plain text. Nothing is evaluated: a name is looked up in a fixed list, so a template can
 * never reach anything else, and unknown names are refused when the text is saved.
 */

export const PLACEHOLDERS = [
  'requester.name',
  'requester.firstName',
  'requester.email',
  'ticket.number',
  'ticket.subject',
  'agent.name',
  'agent.firstName',
  'organization.name',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Record<Placeholder, string>;

const PATTERN = /\{\{\s*([^{}]*?)\s*\}\}/g;
const KNOWN = new Set<string>(PLACEHOLDERS);

/** The placeholders a text uses that are not in the list (empty when all are known). */
export function unknownPlaceholders(text: string): string[] {
  return [...new Set([...text.matchAll(PATTERN)].map((m) => m[1]!).filter((name) => !KNOWN.has(name)))];
}

/** The text with each known placeholder replaced by its value. */
export const renderPlaceholders = (text: string, values: PlaceholderValues): string =>
  text.replace(PATTERN, (whole, name: string) => (KNOWN.has(name) ? values[name as Placeholder] : whole));

/** The first word of a full name ("Alice Smith" → "Alice"). */
export const firstName = (name: string) => name.trim().split(/\s+/)[0] ?? '';
