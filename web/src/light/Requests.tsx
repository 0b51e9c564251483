import { post } from '../api/client';
import type { ListedTicket, Me, TicketPage } from '../api/types';
import type { Announcement } from '../problems/api';
import { PRIORITY_COLOR, STATUS_COLOR } from '../ui/colors';
import { dateTime } from '../ui/format';
import { slaLeftText } from '../ui/sla-left';
import { LanguageSwitch } from './LanguageSwitch';
import { currentLang, t, useLang } from './strings';

/** The requester's list asks for this: her own requests, the latest changed first. */
export const requestsQuery = (me: Me) => new URLSearchParams({ sort: '-updated', limit: '50', requesterId: me.id });

const Badge = ({ color, filled = false, children, ...data }: { color: string; filled?: boolean; children: string } & Record<`data-${string}`, string>) => (
  <span className={filled ? 'lt-badge lt-filled' : 'lt-badge'} data-color={color} {...data}>
    {children}
  </span>
);

function Row({ tk }: { tk: ListedTicket }) {
  const open = tk.status !== 'resolved' && tk.status !== 'closed';
  const sla = open && tk.sla ? slaLeftText(t, tk.sla) : null;
  return (
    <tr data-number={tk.number}>
      <td data-col="number">
        <a href={`/tickets/${tk.number}`} className="lt-mono">
          {tk.number}
        </a>
      </td>
      <td data-col="subject">
        <a href={`/tickets/${tk.number}`} className="lt-subject">
          {tk.subject}
        </a>
      </td>
      <td data-col="status">
        <Badge color={STATUS_COLOR[tk.status]} data-status={tk.status}>
          {t(`status.${tk.status}`)}
        </Badge>
      </td>
      <td data-col="sla">
        {sla ? (
          <span className="lt-sla" title={tk.sla?.dueAt ? t('queue.dueAt', { clock: sla.clock, at: dateTime(tk.sla.dueAt, currentLang()) }) : sla.clock}>
            <Badge color={sla.color} filled={sla.color === 'yellow' || sla.color === 'red'} data-sla={sla.color}>
              {sla.label}
            </Badge>
            <small>{sla.clock}</small>
          </span>
        ) : (
          <span className="lt-dim">—</span>
        )}
      </td>
      <td data-col="priority">
        <Badge color={PRIORITY_COLOR[tk.priority]} filled={tk.priority === 'P1'} data-priority={tk.priority}>
          {t(`priority.${tk.priority}`)}
        </Badge>
      </td>
      <td data-col="updated" className="lt-dim">
        {dateTime(tk.updatedAt, currentLang())}
      </td>
    </tr>
  );
}

/**
 * The requester's first screen, light (no component library, no router): the portal's menu, the
 * banners of major incidents that touch her company, and her requests. Every link is an ordinary
 * page load into the full app.
 */
export function Requests({ me, list, announcements }: { me: Me; list: TicketPage; announcements: Announcement[] }) {
  useLang();
  const signOut = async () => {
    await post('/auth/logout').catch(() => undefined);
    window.location.assign('/sign-in');
  };
  const links = [
    ['/requests', t('nav.requests')],
    ['/requests/new', t('nav.newRequest')],
    ['/catalog', t('nav.catalog')],
    ['/kb', t('nav.kb')],
    ['/profile', t('nav.profile')],
  ];
  return (
    <>
      <a href="#main" className="skip-link">
        {t('app.skip')}
      </a>
      <header className="lt-header">
        <a href="/" className="lt-brand">
          Tierdesk
        </a>
        <nav aria-label={t('app.menu')}>
          {links.map(([to, label]) => (
            <a key={to} href={to} aria-current={to === '/requests' ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <div className="lt-row">
          <LanguageSwitch signedIn />
          <button type="button" className="lt-button lt-default lt-small" onClick={() => void signOut()} title={me.name}>
            {t('nav.signOut')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="lt-main">
        {announcements.length > 0 && (
          <div data-testid="announcements">
            {announcements.map((a) => (
              <div key={a.id} className="lt-alert" role="status">
                <strong>{`${t('problems.banner.label')}: ${a.title}`}</strong>
                {a.message && <p className="prewrap">{a.message}</p>}
                <small>{t('problems.banner.since', { at: dateTime(a.since, currentLang()) })}</small>
              </div>
            ))}
          </div>
        )}
        <div className="lt-row">
          <h1>{t('portal.myRequests')}</h1>
          <a href="/requests/new" className="lt-button">
            {t('portal.newRequest')}
          </a>
        </div>
        {list.items.length ? (
          <table className="lt-table" data-testid="ticket-table">
            <thead>
              <tr>
                {(['number', 'subject', 'status', 'sla', 'priority', 'updated'] as const).map((c) => (
                  <th key={c} scope="col" data-col={c}>
                    {t(`queue.col.${c}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {list.items.map((tk) => (
                <Row key={tk.id} tk={tk} />
              ))}
            </tbody>
          </table>
        ) : (
          <p className="lt-dim">{t('portal.empty')}</p>
        )}
      </main>
    </>
  );
}
