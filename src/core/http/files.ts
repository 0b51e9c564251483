import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { filePolicy } from './csp.js';

/** Types a browser may show on the app's origin: raster images and PDF. SVG and HTML never are. */
const SHOWN_INLINE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'application/pdf']);

/** A type that the browser would render as a document with scripts of its own. */
const ACTIVE = /^(text\/html|application\/xhtml\+xml|image\/svg\+xml|text\/xml|application\/xml|[a-z]+\/[a-z0-9.+-]*\+xml)\b/i;

/** How a stored file is sent: its type as stored (active types as text/plain), inline only when safe to show. */
export function fileHeaders(contentType: string, filename: string) {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  const inline = SHOWN_INLINE.has(type);
  return {
    'content-type': ACTIVE.test(type) ? 'application/octet-stream' : contentType,
    'content-disposition': `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(filename)}`,
    'x-content-type-options': 'nosniff',
    'content-security-policy': filePolicy(type === 'application/pdf'),
    'cross-origin-resource-policy': 'same-origin',
  };
}

/**
 * Sends a stored file (a ticket's or a KB page's attachment, an e-mail original): downloaded unless
 * an image or a PDF, never sniffed, never rendered as HTML or SVG on the app's origin.
 */
export function sendStoredFile(reply: FastifyReply, file: { contentType: string; filename: string; size: number }, body: Readable) {
  return reply.headers(fileHeaders(file.contentType, file.filename)).header('content-length', file.size).send(body);
}
