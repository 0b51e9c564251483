/** The API as the web app calls it: JSON, the session cookie, and the CSRF token on every write. */

/** An error answer of the API: `code` is the stable `error` field, translated by the app. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

let csrfToken: string | undefined;

/** The CSRF token of the session, from sign-in or from GET /me. */
export function setCsrfToken(token: string | undefined) {
  csrfToken = token;
}

/** Called when the session has ended (401 on an authenticated call). */
let onSessionEnded: (() => void) | undefined;
export function whenSessionEnds(fn: () => void) {
  onSessionEnded = fn;
}

export async function api<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const h: Record<string, string> = { accept: 'application/json', ...headers };
  if (method !== 'GET' && csrfToken) h['x-csrf-token'] = csrfToken;
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    h['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { method, headers: h, body: payload, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', 'network');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const data = text && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text;
  if (!res.ok) {
    const e = (data ?? {}) as { error?: string; message?: string; details?: unknown };
    if (res.status === 401 && !path.startsWith('/auth/') && path !== '/me') onSessionEnded?.();
    throw new ApiError(res.status, e.error ?? 'generic', e.message ?? res.statusText, e.details);
  }
  return data as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}) => api<T>('POST', path, body);
export const patch = <T>(path: string, body: unknown, headers?: Record<string, string>) => api<T>('PATCH', path, body, headers);
export const del = <T>(path: string) => api<T>('DELETE', path);
