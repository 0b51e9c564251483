/**
 * What a person wrote in a message, without the quoted history below it and without their
 * signature: the part the timeline shows. Forwarded content is kept, since it is the substance of
 * a forward. The full text and the original message are kept elsewhere.
 */

/** Lines that start the quoted history of a reply, in the clients people use, in English and Russian. */
const QUOTE_HEADERS: RegExp[] = [
  // Gmail, Apple Mail, Thunderbird, K-9, iOS: "On Tue, 25 Nov 2026 at 10:00, Alice <a@b> wrote:"
  /^\s*On\b.{0,200}\bwrote\s*:\s*$/i,
  // Russian clients: "… пишет:", "… написал(а):", "… написала:"
  /^.{0,200}(^|\s)(пишет|написал\(а\)|написала?|писал\(а\)|писала?)\s*:\s*$/iu,
  // Gmail in Russian and others: "вт, 25 нояб. 2026 г. в 10:00, Алиса <a@b>:" — a date and an address, then a colon.
  /^.{0,120}\d{1,2}[:.]\d{2}.{0,120}<[^<>\s]+@[^<>\s]+>\s*:\s*$/u,
  // Outlook: the separator line, and the Original Message banner in both languages.
  /^\s*-{2,}\s*(Original Message|Исходное сообщение|Ursprüngliche Nachricht)\s*-{2,}\s*$/iu,
  /^\s*_{20,}\s*$/,
];
/** The header block Outlook writes above the quoted message (From:, Sent:, To:, Subject:). */
const OUTLOOK_FROM = /^\s*\*?(From|От|Von)\s*:\*?\s+\S/iu;
const OUTLOOK_NEXT = /^\s*\*?(Sent|Date|To|Subject|Отправлено|Дата|Кому|Тема|Gesendet|An|Betreff)\s*:/iu;

/** Lines that start forwarded content. */
const FORWARD_HEADERS = [
  /^\s*-{3,}\s*(Forwarded message|Пересылаемое сообщение|Пересланное сообщение)\s*-{3,}\s*$/iu,
  /^\s*-{3,}\s*(Forwarded Message|Переадресованное сообщение)\s*-{3,}\s*$/iu,
  /^\s*Begin forwarded message\s*:\s*$/i,
  /^\s*Начало переадресованного (сообщения|письма)\s*:\s*$/iu,
  /^\s*-{5,}\s*(Пересылаемое|Forwarded)\b.*$/iu,
];

/** Signatures: the RFC 3676 delimiter, and the lines mobile clients append. */
const SIGNATURE_DELIMITER = /^--\s?$/;
const MOBILE_SIGNATURE = [
  /^\s*(Sent from my|Sent from|Get Outlook for|Отправлено с|Отправлено из|Отправлено через|Получено с помощью)(\s.{0,80})?$/iu,
];

const isQuoteHeader = (lines: string[], i: number) => {
  const line = lines[i]!;
  if (QUOTE_HEADERS.some((re) => re.test(line))) return true;
  // A wrapped "On … \n … wrote:" attribution.
  if (/^\s*On\b/i.test(line) && i + 1 < lines.length && /\bwrote\s*:\s*$/i.test(lines[i + 1]!)) return true;
  if (OUTLOOK_FROM.test(line)) {
    const next = lines.slice(i + 1, i + 4);
    return next.some((l) => OUTLOOK_NEXT.test(l));
  }
  return false;
};

/** Trims quoted history and signature from a message's text; returns the whole text if nothing would remain. */
export function trimReply(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let end = lines.length;
  let forwarded = false;
  for (let i = 0; i < lines.length; i++) {
    if (FORWARD_HEADERS.some((re) => re.test(lines[i]!))) {
      forwarded = true;
      break;
    }
    if (isQuoteHeader(lines, i)) {
      end = i;
      break;
    }
  }
  let kept = lines.slice(0, end);
  // A trailing block of "> " lines (a client that quotes without an attribution line).
  let last = kept.length;
  while (last > 0 && (/^\s*>/.test(kept[last - 1]!) || !kept[last - 1]!.trim())) last--;
  if (!forwarded && last < kept.length && kept.slice(last).some((l) => /^\s*>/.test(l))) kept = kept.slice(0, last);
  kept = trimSignature(kept);
  const result = kept.join('\n').replace(/\n{3,}/g, '\n\n').trim();
  return result || text.trim();
}

function trimSignature(lines: string[]): string[] {
  const forward = lines.findIndex((l) => FORWARD_HEADERS.some((re) => re.test(l)));
  const top = forward === -1 ? lines.length : forward;
  // The delimiter in the writer's own part only: a forwarded message's signature is part of it.
  const delimiter = lines.slice(0, top).findIndex((l) => SIGNATURE_DELIMITER.test(l));
  let out = delimiter > 0 ? [...lines.slice(0, delimiter), ...lines.slice(top)] : lines;
  // Mobile clients' taglines at the end of the writer's part.
  const mobileTop = forward === -1 ? out.length : out.findIndex((l) => FORWARD_HEADERS.some((re) => re.test(l)));
  const own = out.slice(0, mobileTop);
  let cut = own.length;
  while (cut > 0 && !own[cut - 1]!.trim()) cut--;
  if (cut > 0 && MOBILE_SIGNATURE.some((re) => re.test(own[cut - 1]!))) out = [...own.slice(0, cut - 1), ...out.slice(mobileTop)];
  return out;
}
