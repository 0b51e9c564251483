import type { z } from 'zod';
import type * as id from '../../../src/contracts/identity';
import type * as sla from '../../../src/contracts/sla-policies';
import type * as tk from '../../../src/contracts/tickets';
import type * as qu from '../../../src/contracts/queue';
import type * as esc from '../../../src/contracts/escalation';
import type * as sec from '../../../src/contracts/security';

/** The API's shapes, from the same Zod schemas the server validates with. */
export type Person = z.infer<typeof id.Person>;
export type Me = z.infer<typeof id.Me>;
export type Organization = z.infer<typeof id.Organization>;
export type Plan = z.infer<typeof id.Plan>;
export type ApiToken = z.infer<typeof id.ApiToken>;
export type NewApiToken = z.infer<typeof id.NewApiToken>;
export type Role = z.infer<typeof id.Role>;
export type Line = z.infer<typeof id.Line>;
export type Availability = z.infer<typeof id.Availability>;
export type Status = z.infer<typeof tk.Status>;
export type Priority = z.infer<typeof tk.Priority>;
export type TicketType = z.infer<typeof tk.TicketType>;
export type Level = z.infer<typeof tk.Level>;
export type ClientTicket = z.infer<typeof tk.ClientTicket>;
export type StaffTicket = z.infer<typeof tk.StaffTicket>;
export type Ticket = ClientTicket & Partial<Omit<StaffTicket, keyof ClientTicket>>;
/** The time left on a request's clock due first (the server's one figure), and the line budget left (staff). */
export type SlaLeft = z.infer<typeof qu.SlaLeft>;
export type ListedTicket = Ticket & { sla?: SlaLeft | null; budget?: SlaLeft | null };
export type TicketDetail = Ticket & {
  tags?: string[];
  watchers: { id: string; name: string }[];
  links?: { id: string; kind: string; ticket: { id: string; number: string; subject: string; status: Status } }[];
};
export type TicketPage = { items: ListedTicket[]; nextCursor: string | null };
export type TimelineEntry = z.infer<typeof tk.TimelineEntry>;
export type Category = z.infer<typeof tk.Category>;
export type TicketSla = z.infer<typeof sla.TicketSla>;
export type SlaClock = z.infer<typeof sla.SlaClock>;
export type NextBreach = z.infer<typeof sla.NextBreach>;
export type DeveloperItem = z.infer<typeof esc.DeveloperItem>;
export type TicketCreate = z.input<typeof tk.TicketCreate>;
export type TicketPatch = z.input<typeof tk.TicketPatch>;

/** One clock of a request in the batch answer of GET /sla/deadlines. */
export interface DeadlineRow {
  ticketId: string;
  metric: string;
  state: string;
  targetMinutes: number;
  deadline: string | null;
  breachedAt: string | null;
  met: boolean | null;
}

export const isStaffRole = (r: Role) => r === 'agent' || r === 'manager' || r === 'admin';
export const isManagerRole = (r: Role) => r === 'manager' || r === 'admin';
export const OPEN_STATUSES: Status[] = ['new', 'open', 'pending_customer', 'pending_vendor'];
export type MfaStatus = z.infer<typeof sec.MfaStatus>;
export type SessionInfo = z.infer<typeof sec.Session>;
export type SignedIn = z.infer<typeof sec.SignedIn>;
export type SecondFactorNeeded = z.infer<typeof sec.SecondFactorNeeded>;
export type SecuritySettings = z.infer<typeof sec.SecuritySettings>;
