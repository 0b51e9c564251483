import crypto from 'node:crypto';

/**
 * The Content-Security-Policy of every HTML page the server writes. Scripts only from the app's own
 * files (the built web app has no inline script), never inline or eval; no plugins, no <base>, no
 * framing; images only from the app itself (data: and blob: are the app's own previews) and the
 * hosts of KB_IMAGE_HOSTS.
 *
 * Styles keep 'unsafe-inline' in the web app: Mantine writes its CSS variables and some component
 * styles into <style> elements at run time, without a way to pass them the page's nonce that covers
 * every component. A style cannot run code; scripts stay strict.
 */
export function appPolicy(imageHosts: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src ${["'self'", 'data:', 'blob:', ...imageHosts.map((h) => `https://${h}`)].join(' ')}`,
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

/**
 * The policy of the small pages the server writes itself (the landing page, the rating page): no
 * script at all, their one <style> element allowed by its nonce.
 */
export function pagePolicy(styleNonce?: string): string {
  return [
    "default-src 'none'",
    "script-src 'none'",
    `style-src ${styleNonce ? `'nonce-${styleNonce}'` : "'none'"}`,
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

/** A fresh nonce for one response. */
export const newNonce = () => crypto.randomBytes(16).toString('base64');

/** A page the server writes, with the policy that allows exactly its own <style nonce>. */
export interface ServerPage {
  html: string;
  csp: string;
}

/** Builds a server page: `render` receives the nonce to put on its <style> element. */
export function serverPage(render: (nonce: string) => string): ServerPage {
  const nonce = newNonce();
  return { html: render(nonce), csp: pagePolicy(nonce) };
}

/**
 * The policy of a stored file opened in the browser: it may run and load nothing, and `sandbox` puts
 * it on an opaque origin. Chromium's PDF viewer does not open in a sandbox, so a PDF goes without it
 * (the viewer runs no script of the document on the app's origin).
 */
export const filePolicy = (pdf = false) =>
  pdf ? "default-src 'none'; object-src 'self'; frame-ancestors 'self'" : "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox";
