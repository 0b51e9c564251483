/**
 * How mail clients mark quoted history, forwards and signatures, in the languages the desk's
 * clients write in: English, Russian, Ukrainian, German, French, Spanish, Italian, Portuguese,
 * Dutch, Swedish, Norwegian, Danish, Finnish, Polish, Czech and Turkish. JavaScript's \b knows
 * only ASCII letters, so words that start or end with others are bounded by spaces.
 */

/** One-line attributions above a quote ("On … wrote:", "… пишет:", "Am … schrieb …:"). */
export const QUOTE_HEADERS: RegExp[] = [
  // English (Gmail, Apple Mail, Thunderbird, K-9, iOS), and The Bat!'s "You wrote …:".
  /^\s*On\b.{0,250}\b(wrote|writes)\s*:\s*$/i,
  /^.{0,250}\b(wrote|writes)\s*:\s*$/i,
  /^\s*You wrote\b.{0,120}:\s*$/i,
  // Russian and Ukrainian: "… пишет:", "… написал(а):", The Bat!'s "Вы писали …:", Ukrainian "… пише:", "… написав(ла):".
  /^.{0,250}(^|\s)(пишет|пише|написал\(а\)|написала?|писал\(а\)|писала?|написав\(ла\)|написав|написала)\s*:\s*$/iu,
  /^\s*(Вы|Ви) писали\s.{0,120}:\s*$/iu,
  // Gmail in Russian and Mail.ru: a date with a time and an address, then a colon.
  /^.{0,160}\d{1,2}[:.]\d{2}.{0,160}<[^<>\s]+@[^<>\s]+>\s*:\s*$/u,
  // German: "Am … schrieb …:", "… schrieb:".
  /^\s*Am\s.{0,250}\sschrieb\b.{0,200}:\s*$/iu,
  /^.{0,250}\sschrieb\s*:\s*$/iu,
  // French: "Le … a écrit :".
  /^.{0,250}\sa écrit\s*:\s*$/iu,
  // Spanish "El … escribió:", Portuguese "Em … escreveu:", Italian "Il giorno … ha scritto:".
  /^.{0,250}\s(escribió|escreveu|ha scritto)\s*:\s*$/iu,
  // Dutch "Op … schreef …:", Swedish, Norwegian, Danish "Den … skrev …:", "… skrev:".
  /^.{0,250}\s(schreef|skrev)\b.{0,200}:\s*$/iu,
  /^\s*Op\s.{0,250}\sheeft\s.{0,200}\sgeschreven\s*:\s*$/iu,
  // Finnish "… kirjoitti:", Polish "… napisał(a):", "… pisze:", Czech "… napsal(a):".
  /^.{0,250}\s(kirjoitti|napisał\(a\)|napisała?|pisze|napsal\(a\)|napsala?)\s*:\s*$/iu,
  // Turkish "… tarihinde … şunu yazdı:".
  /^.{0,250}\s(yazdı)\s*:\s*$/iu,
];

/** Outlook's header block: its From line, and the lines after it (Sent, To, Subject…) in each language. */
export const OUTLOOK_FROM =
  /^\s*\*?(From|От|Від|Von|De|Da|Van|Från|Fra|Lähettäjä|Od|Kimden|Remetente|Feladó)\s*:\*?\s*\S/iu;
export const OUTLOOK_NEXT = new RegExp(
  `^\\s*\\*?(${[
    'Sent', 'Date', 'To', 'Subject', 'Cc',
    'Отправлено', 'Дата', 'Кому', 'Тема', 'Копия',
    'Надіслано', 'Відправлено', 'Копія',
    'Gesendet', 'An', 'Betreff', 'Datum',
    'Envoyé', 'À', 'Objet', 'Date',
    'Enviado', 'Para', 'Asunto', 'Fecha', 'CC',
    'Inviato', 'A', 'Oggetto', 'Data',
    'Enviada', 'Assunto',
    'Verzonden', 'Aan', 'Onderwerp',
    'Skickat', 'Till', 'Ämne',
    'Sendt', 'Til', 'Emne',
    'Lähetetty', 'Vastaanottaja', 'Aihe',
    'Wysłano', 'Do', 'Temat', 'Wysłane',
    'Odesláno', 'Komu', 'Předmět',
    'Gönderildi', 'Gönderilme', 'Kime', 'Konu', 'Tarih', 'Bilgi',
  ].join('|')})\\s*:`,
  'iu',
);

/** "-----Original Message-----" in each language. */
export const BANNERS: RegExp[] = [
  new RegExp(
    `^\\s*-{2,}\\s*(${[
      'Original Message', 'Исходное сообщение', 'Оригинальное сообщение', 'Вихідне повідомлення', 'Оригінальне повідомлення',
      'Ursprüngliche Nachricht', 'Originalnachricht', "Message d'origine", 'Message original', 'Mensaje original', 'Messaggio originale',
      'Mensagem original', 'Oorspronkelijk bericht', 'Originalbericht', 'Ursprungligt meddelande', 'Originalmeddelande',
      'Opprinnelig melding', 'Original melding', 'Oprindelig meddelelse', 'Alkuperäinen viesti', 'Oryginalna wiadomość',
      'Wiadomość oryginalna', 'Původní zpráva', 'Özgün İleti', 'Orijinal Mesaj', 'Reply message',
    ].join('|')})\\s*-{2,}\\s*$`,
    'iu',
  ),
];

/** Lines that start forwarded content, which is kept. */
export const FORWARD_HEADERS: RegExp[] = [
  /^\s*-{3,}\s*(Forwarded message|Forwarded Message|Пересылаемое сообщение|Пересланное сообщение|Переадресованное сообщение|Переслане повідомлення|Weitergeleitete Nachricht|Message transféré|Mensaje reenviado|Messaggio inoltrato|Mensagem encaminhada|Doorgestuurd bericht|Vidarebefordrat meddelande|Videresendt melding|Videresendt meddelelse|Välitetty viesti|Przekazana wiadomość|Přeposlaná zpráva|İletilen ileti)\s*-{3,}\s*$/iu,
  /^\s*(Begin forwarded message|Начало переадресованного (сообщения|письма)|Anfang der weitergeleiteten Nachricht|Début du message réexpédié)\s*:\s*$/iu,
  /^\s*-{5,}\s*(Пересылаемое|Forwarded)\b.*$/iu,
];

/** The lines mobile and web clients append ("Sent from my iPhone", "Отправлено с iPhone"…). */
export const MOBILE_TAGLINES: RegExp[] = [
  /^\s*(Sent from my|Sent from|Sent with|Get Outlook for|Отправлено с|Отправлено из|Отправлено через|Получено с помощью|Скачайте Outlook|Надіслано з|Надіслано із|Von meinem|Gesendet von|Envoyé de mon|Envoyé depuis|Enviado desde|Enviado do meu|Enviado de meu|Inviato da|Verzonden vanaf|Verstuurd vanaf|Skickat från|Sendt fra|Lähetetty|Wysłane z|Wysłano z|Odesláno z|Odesláno ze)(\s.{0,80})?$/iu,
  /^\s*\S{1,40}(’|')?(umdan|imden|undan|dan|den) gönderildi\s*$/iu,
];

/** A closing line that a name block follows: cut in replies, with what follows. */
export const SIGN_OFFS = new RegExp(
  `^\\s*(${[
    'Best regards', 'Kind regards', 'Warm regards', 'Regards', 'Best wishes', 'Best', 'Cheers', 'Sincerely', 'Yours sincerely', 'Yours faithfully', 'Thanks', 'Thank you', 'Many thanks', 'BR',
    'С уважением', 'С наилучшими пожеланиями', 'Спасибо', 'Заранее спасибо', 'Всего доброго', 'Всего хорошего', 'Хорошего дня',
    'З повагою', 'Дякую', 'Щиро',
    'Mit freundlichen Grüßen', 'Mit freundlichem Gruß', 'Freundliche Grüße', 'Viele Grüße', 'Beste Grüße', 'Liebe Grüße', 'Gruß', 'MfG',
    'Cordialement', 'Bien cordialement', 'Bien à vous', 'Salutations', 'Merci',
    'Saludos', 'Un saludo', 'Saludos cordiales', 'Atentamente', 'Gracias',
    'Cordiali saluti', 'Distinti saluti', 'Saluti', 'Grazie',
    'Atenciosamente', 'Cumprimentos', 'Abraços', 'Obrigado', 'Obrigada',
    'Met vriendelijke groet', 'Met vriendelijke groeten', 'Vriendelijke groet', 'Groeten', 'Groet', 'Bedankt',
    'Med vänliga hälsningar', 'Vänliga hälsningar', 'Hälsningar', 'MVH', 'Tack',
    'Med vennlig hilsen', 'Vennlig hilsen', 'Hilsen', 'Takk',
    'Med venlig hilsen', 'Venlig hilsen', 'Tak',
    'Ystävällisin terveisin', 'Terveisin', 'Kiitos',
    'Z poważaniem', 'Pozdrawiam', 'Dziękuję', 'Pozdrowienia',
    'S pozdravem', 'Děkuji', 'S přáním pěkného dne',
    'Saygılarımla', 'Saygılar', 'İyi çalışmalar', 'Teşekkürler',
  ].join('|')})\\s*[,.!]?\\s*$`,
  'iu',
);
