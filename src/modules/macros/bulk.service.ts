import type { Action } from '../../contracts/actions.js';
import { settleEach } from '../../core/db/connect.js';
import { DomainError, Forbidden, Invalid } from '../../core/errors.js';
import type { AppContext } from '../db.js';
import { isStaff, type Actor } from '../identity/index.js';
import { applyActions } from './actions.executor.js';
import { loadMacro, macroActions } from './macros.service.js';
import * as repo from './macros.repo.js';

export interface BulkInput {
  /** Request ids or numbers (TD-…). */
  tickets: string[];
  /** What to do: these actions, or the macro's. */
  actions?: Action[];
  macroId?: string;
}

export type BulkResult =
  | { ticket: string; ok: true; ticketId: string }
  | { ticket: string; ok: false; error: string; message: string };

/**
 * Applies actions (or a macro) to many requests. Each request is changed all or nothing in a
 * transaction of its own; one the caller may not change is refused and reported with the reason,
 * and the others go ahead (on SQLite they share commits: see settleEach). Errors other than a
 * refusal (the database gone) fail the whole call.
 */
export async function applyToMany(app: AppContext, actor: Actor, input: BulkInput) {
  if (!isStaff(actor)) throw new Forbidden('Only the service desk staff work on requests in bulk');
  if (!input.actions === !input.macroId) throw new Invalid('Give either actions or macroId', 'actions');
  const macro = input.macroId ? await loadMacro(app.db, actor, input.macroId) : undefined;
  const actions = macro ? macroActions(macro) : input.actions!;
  const tickets = [...new Set(input.tickets)];
  const settled = await settleEach(app.db, tickets, (ticket) => applyActions(app, actor, ticket, actions));
  const failure = settled.find((s) => s.status === 'rejected' && !(s.reason instanceof DomainError));
  if (failure) throw (failure as PromiseRejectedResult).reason;
  const results = settled.map((s, i): BulkResult => {
    const ticket = tickets[i]!;
    if (s.status === 'fulfilled') return { ticket, ok: true, ticketId: s.value };
    const err = s.reason as DomainError;
    return { ticket, ok: false, error: err.code, message: err.message };
  });
  const applied = results.filter((r) => r.ok).length;
  if (macro && applied) await repo.countUses(app.db, macro.id, applied);
  return { results, applied, refused: results.length - applied };
}
