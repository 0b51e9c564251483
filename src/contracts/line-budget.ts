import { z } from 'zod';
import { Text } from './common.js';

/** Why the agent keeps a request at its line past the time budget; shown on its timeline. */
export const KeepPastBudget = z.object({ note: Text(2000).describe('why the request stays at its line past the time budget') });

/** A request kept at its line past the time budget, for the manager. */
export const KeptPastBudget = z.object({
  ticket: z.object({ id: z.string(), number: z.string(), subject: z.string() }),
  organizationName: z.string(),
  line: z.string(),
  agent: z.object({ id: z.string(), name: z.string() }),
  note: z.string(),
  keptAt: z.string(),
  /** When the budget was used up. */
  deadline: z.string(),
});

export const KeptPastBudgetList = z.object({ items: z.array(KeptPastBudget) });

/** Where the request is after the agent's decision. */
export const BudgetDecision = z.object({ ticketId: z.string(), line: z.string() });
