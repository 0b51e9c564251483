import './app.css';
import './light/light.css';
import { createRoot } from 'react-dom/client';
import { ApiError, get, setCsrfToken } from './api/client';
import type { Me, SecondFactorNeeded, TicketPage } from './api/types';
import type { Announcement } from './problems/api';
import { Requests, requestsQuery } from './light/Requests';
import { SignIn } from './light/SignIn';
import { initialLanguage, switchLanguage, type Lang } from './light/strings';

/**
 * The page's start. The screens a requester opens on a phone once in a while, the sign-in screen and
 * her list, are light (React alone, a small string table); everything else loads the full app.
 */
const root = createRoot(document.getElementById('root')!);

const full = async (me?: Me | null) => (await import('./app/full')).start(root, me);

/** The second step of a sign-in continues in the full app, which finds the pending sign-in in the history state. */
const secondStep = (pending: SecondFactorNeeded) => {
  window.history.replaceState({ usr: { pending }, key: 'second-factor', idx: 0 }, '', window.location.href);
  void full(null);
};

const signedInPerson = () =>
  get<Me>('/me').catch((e: unknown) => {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  });

async function boot() {
  const { pathname } = window.location;
  const pending = (window.history.state as { usr?: { pending?: unknown } } | null)?.usr?.pending;
  const signIn = async () => {
    await switchLanguage(initialLanguage());
    root.render(<SignIn onSecondFactor={secondStep} />);
  };
  if (pathname === '/sign-in' && !pending) return signIn();
  if (pathname !== '/requests') return full();
  const me = await signedInPerson();
  if (!me) {
    window.history.replaceState(null, '', `/sign-in?next=${encodeURIComponent('/requests')}`);
    return signIn();
  }
  if (me.role !== 'requester' || me.mfaEnrolmentRequired) return full(me);
  setCsrfToken(me.csrfToken);
  const [list, announcements] = await Promise.all([
    get<TicketPage>(`/tickets?${requestsQuery(me)}`),
    get<{ items: Announcement[] }>('/announcements'),
    switchLanguage(me.locale as Lang),
  ]);
  root.render(<Requests me={me} list={list} announcements={announcements.items} />);
}

// Anything unexpected (the server away): the full app, which says so in its own way.
boot().catch(() => full());
