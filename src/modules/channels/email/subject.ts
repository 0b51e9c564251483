/**
 * The reply and forward prefixes mail clients put before a subject, in the languages our clients
 * write in and the ones their mail programs are set to: Re, RE, AW (German), SV (Scandinavian),
 * VS (Finnish), Odp (Polish), RV/TR/WG, Fwd/FW, Ответ/Отв, Пересл/Перес, НА; with counters such
 * as "Re[2]:" or "Re(3):" and full-width colons.
 */
const PREFIX =
  /^\s*(?:\[[^\]]{0,40}\]\s*)?(?:re|aw|sv|vs|odp|antw|rv|tr|wg|fw|fwd|enc|ответ|отв|пересл|перес|переслано|на|ynt|ilt)\s*(?:\[\d{1,3}\]|\(\d{1,3}\))?\s*[:：]\s*/iu;

/** The subject without any number of reply and forward prefixes. */
export function stripPrefixes(subject: string): string {
  let s = subject;
  for (let i = 0; i < 20; i++) {
    const next = s.replace(PREFIX, '');
    if (next === s) break;
    s = next;
  }
  return s.trim();
}

/** Forward prefixes: Fwd/FW, WG (German), TR (French), RV (Spanish), ENC (Portuguese), VB (Swedish), PD (Polish), İLT (Turkish), Пересл. */
const FORWARD_PREFIX = /^\s*(?:\[[^\]]{0,40}\]\s*)?(?:fwd?|wg|tr|rv|enc|vb|pd|ilt|i̇lt|пересл|перес|переслано)\s*(?:\[\d{1,3}\]|\(\d{1,3}\))?\s*[:：]/iu;

/** Whether the subject marks the message as a forward (whose quoted content is its substance). */
export const isForwardSubject = (subject: string) => FORWARD_PREFIX.test(subject);

/** Whether the subject marks the message as a reply or a forward. */
export const hasReplyPrefix = (subject: string) => stripPrefixes(subject) !== subject.trim();

/** The request number a subject names (`[TD-000123]`, `TD-123`, `#TD-123`), or null. */
export function requestNumberIn(subject: string): number | null {
  const m = /(?:^|[^\p{L}\p{N}])TD-(\d{1,12})(?![\p{N}])/iu.exec(subject);
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}
