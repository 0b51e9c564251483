import type { Action } from '../../contracts/actions.js';
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
 * and the others go ahead. Errors other than a refusal (the database gone) stop the whole call.
 */
export async function applyToMany(app: AppContext, actor: Actor, input: BulkInput) {
  if (!isStaff(actor)) throw new Forbidden('Only the service desk staff work on requests in bulk');
  if (!input.actions === !input.macroId) throw new Invalid('Give either actions or macroId', 'actions');
  const macro = input.macroId ? await loadMacro(app.db, actor, input.macroId) : undefined;
  const actions = macro ? macroActions(macro) : input.actions!;
  const results: BulkResult[] = [];
  for (const ticket of [...new Set(input.tickets)]) {
    try {
      results.push({ ticket, ok: true, ticketId: await applyActions(app, actor, ticket, actions) });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      results.push({ ticket, ok: false, error: err.code, message: err.message });
    }
  }
  const applied = results.filter((r) => r.ok).length;
  if (macro && applied) await repo.countUses(app.db, macro.id, applied);
  return { results, applied, refused: results.length - applied };
}
