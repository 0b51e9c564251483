import type { ModuleMigration } from '../../core/db/migrate.js';

export const RISKS = ['low', 'medium', 'high'] as const;
export type Risk = (typeof RISKS)[number];
/** not_required: worked at once; pending: an approval step is open; approved; rejected (then closed). */
export type ApprovalState = 'not_required' | 'pending' | 'approved' | 'rejected';
export type ApproverKind = 'client_manager' | 'change_manager';
export type Decision = 'approved' | 'rejected';
/** portal: the buttons; link: the e-mailed link's page; reply: a reply (by e-mail) saying approve or reject. */
export type DecisionVia = 'portal' | 'link' | 'reply';

export interface ChangeTables {
  /** A request of type change: what it does, how it is undone, when, and where its approval stands. */
  changes: {
    ticket_id: string;
    organization_id: string;
    risk: Risk;
    plan: string;
    rollback_plan: string;
    window_start: string;
    window_end: string;
    approval_state: ApprovalState;
    /** The step now waiting (1-based); null when none is. */
    current_step: number | null;
    /** Whether the SLA clocks wait while approval is pending (the plan's setting when it was asked). */
    pauses_sla: number;
    created_at: string;
    updated_at: string;
  };
  /** One row per approver of each step; a step is passed by any one approver, or by all (`mode`). */
  change_approvals: {
    id: string;
    ticket_id: string;
    step: number;
    kind: ApproverKind;
    mode: 'any' | 'all';
    user_id: string;
    decision: Decision | null;
    comment: string | null;
    via: DecisionVia | null;
    decided_at: string | null;
    created_at: string;
  };
  /** The secrets of the approve/reject links sent by e-mail (their hash), one per approver row. */
  change_approval_links: {
    token_hash: string;
    approval_id: string;
    expires_at: string;
    created_at: string;
  };
  /** Per plan: who approves a change and whether the SLA waits meanwhile. */
  change_plan_settings: {
    plan_id: string;
    /** any: one of the client's IT managers approves; all: every one of them. */
    client_approval: 'any' | 'all';
    /** Whether a service desk manager (the provider's change manager) approves after the client. */
    provider_approval: number;
    pause_sla: number;
    updated_at: string;
  };
}

export const changeMigrations: ModuleMigration[] = [
  {
    name: '2026-12-07-6x-02-changes',
    async up(db, t) {
      await db.schema
        .createTable('changes')
        .addColumn('ticket_id', 'text', (c) => c.primaryKey().references('tickets.id'))
        .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
        .addColumn('risk', 'text', (c) => c.notNull())
        .addColumn('plan', 'text', (c) => c.notNull())
        .addColumn('rollback_plan', 'text', (c) => c.notNull())
        .addColumn('window_start', t.timestamp, (c) => c.notNull())
        .addColumn('window_end', t.timestamp, (c) => c.notNull())
        .addColumn('approval_state', 'text', (c) => c.notNull())
        .addColumn('current_step', 'integer')
        .addColumn('pauses_sla', 'integer', (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('changes_window').on('changes').columns(['window_start', 'window_end']).execute();
      await db.schema.createIndex('changes_org_window').on('changes').columns(['organization_id', 'window_start']).execute();
      await db.schema
        .createTable('change_approvals')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id'))
        .addColumn('step', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('decision', 'text')
        .addColumn('comment', 'text')
        .addColumn('via', 'text')
        .addColumn('decided_at', t.timestamp)
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('change_approvals_ticket').on('change_approvals').columns(['ticket_id', 'step']).execute();
      await db.schema.createIndex('change_approvals_user').on('change_approvals').columns(['user_id', 'decision']).execute();
      await db.schema
        .createTable('change_approval_links')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('approval_id', 'text', (c) => c.notNull().references('change_approvals.id'))
        .addColumn('expires_at', t.timestamp, (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('change_plan_settings')
        .addColumn('plan_id', 'text', (c) => c.primaryKey().references('plans.id'))
        .addColumn('client_approval', 'text', (c) => c.notNull())
        .addColumn('provider_approval', 'integer', (c) => c.notNull())
        .addColumn('pause_sla', 'integer', (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
    },
  },
];
