import { DomainError } from '../../../core/errors.js';
import { checkUpload, type UploadedFile } from '../../tickets/index.js';
import type { ReasonCode } from './email.messages.js';
import type { MailFile } from './parse.js';

/** An attachment that was not taken into the request (the original message still has it). */
export interface SkippedFile {
  filename: string;
  contentType: string;
  size: number;
  reason: ReasonCode;
  detail: string | null;
}

/**
 * The message's attachments and inline images that a request accepts, checked like uploads; the
 * others are listed with the reason, never dropped without a word.
 */
export function selectFiles(files: MailFile[], maxBytes: number): { files: UploadedFile[]; skipped: SkippedFile[] } {
  const accepted: UploadedFile[] = [];
  const skipped: SkippedFile[] = [];
  for (const f of files) {
    const file = { filename: f.filename, contentType: f.contentType, data: f.data };
    const skip = (reason: ReasonCode, detail: string | null = null) =>
      skipped.push({ filename: f.filename, contentType: f.contentType, size: f.data.length, reason, detail });
    if (f.data.length > maxBytes) skip('attachment_too_large');
    else if (f.data.length === 0) skip('attachment_empty');
    else {
      try {
        checkUpload(file, maxBytes);
        accepted.push(file);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        skip('attachment_refused', err.message);
      }
    }
  }
  return { files: accepted, skipped };
}
