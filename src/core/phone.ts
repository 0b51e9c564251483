import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * A phone number in E.164 (`+79161234567`), or null when `raw` is not a valid number. A number
 * without a country code is read as one of `region` (the provider's country, PHONE_REGION).
 */
export function toE164(raw: string, region: string): string | null {
  const n = parsePhoneNumberFromString(raw.trim(), region as CountryCode);
  return n?.isValid() ? n.number : null;
}
