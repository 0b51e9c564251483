import { z } from 'zod';
import { IsoInstant, Text, Uuid } from './common.js';
import { ChangePlan } from './catalog.js';

export const ApprovalState = z.enum(['not_required', 'pending', 'approved', 'rejected']);
export const DecisionBody = z.object({
  decision: z.enum(['approved', 'rejected']),
  comment: z.string().trim().max(4000).nullable().optional(),
});

export const Approval = z.object({
  id: Uuid,
  step: z.number().int(),
  kind: z.enum(['client_manager', 'change_manager']),
  mode: z.enum(['any', 'all']),
  userId: Uuid,
  userName: z.string(),
  decision: z.enum(['approved', 'rejected']).nullable(),
  comment: z.string().nullable(),
  via: z.enum(['portal', 'link', 'reply']).nullable(),
  decidedAt: IsoInstant.nullable(),
});

export const Change = z.object({
  ticketId: Uuid,
  number: z.string(),
  subject: z.string(),
  organizationId: Uuid,
  risk: z.enum(['low', 'medium', 'high']),
  plan: z.string(),
  rollbackPlan: z.string(),
  windowStart: IsoInstant,
  windowEnd: IsoInstant,
  approvalState: ApprovalState,
  currentStep: z.number().int().nullable(),
  pausesSla: z.boolean(),
  approvals: z.array(Approval),
  /** Whether the reader may decide now (their step is open and they have not decided). */
  mayDecide: z.boolean(),
});

export const ChangeCreate = ChangePlan.extend({
  subject: Text(200),
  description: Text(20_000),
  requesterId: Uuid,
  categoryId: Uuid.nullable().optional(),
  needsApproval: z.boolean().default(true),
});

export const LinkParam = z.object({ token: z.string().min(20).max(200) });
export const LinkView = z.object({ change: Change, approverName: z.string(), locale: z.enum(['en', 'ru']) });
export const DecisionResult = z.object({ ticketId: Uuid, approvalState: ApprovalState });

export const PendingApprovals = z.object({
  items: z.array(
    z.object({ ticketId: Uuid, number: z.string(), subject: z.string(), organizationName: z.string(), risk: z.enum(['low', 'medium', 'high']), windowStart: IsoInstant, windowEnd: IsoInstant, step: z.number().int(), kind: z.enum(['client_manager', 'change_manager']), askedAt: IsoInstant }),
  ),
});

export const CalendarQuery = z.object({
  from: IsoInstant,
  to: IsoInstant,
  organizationId: Uuid.optional(),
  includePending: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});
export const ChangeCalendar = z.object({
  items: z.array(
    z.object({ ticketId: Uuid, number: z.string(), subject: z.string(), status: z.string(), organizationId: Uuid, organizationName: z.string(), risk: z.enum(['low', 'medium', 'high']), windowStart: IsoInstant, windowEnd: IsoInstant, approvalState: ApprovalState }),
  ),
});

export const PlanChangeSettings = z.object({
  clientApproval: z.enum(['any', 'all']).describe('one of the client’s IT managers approves, or every one'),
  providerApproval: z.boolean().describe('a service desk manager (the provider’s change manager) approves after the client'),
  pauseSla: z.boolean().describe('the SLA clocks wait while approval is pending'),
});
