import type { RuleAction } from '../../contracts/actions.js';
import type { RuleError, SkipReason } from '../../contracts/automation.js';
import { DomainError } from '../../core/errors.js';

/**
 * What the desk says about a rule's runs: why one failed, why a dry run would not run it. Stored and
 * sent as a stable code with parameters (beside an English text for logs and API clients), and
 * rendered in each reader's language by the web app (`automationErrors.*` keys), as the timeline's
 * reasons are (tickets/reasons.ts).
 */
type Coded<C, P> = { code: C; params: P };
export type RuleErrorCode =
  | Coded<'action_failed', { n: number; action: string; reason: string; message: string }>
  | Coded<'chain_cut', { depth: number; rules: string[] }>
  | Coded<'error', { text: string }>;
export type SkipCode = Coded<'rule_disabled', Record<string, never>> | Coded<'other_organization', Record<string, never>> | Coded<'other_event', { event: string }>;

type Texts<T extends { code: string; params: unknown }> = { [C in T['code']]: (p: Extract<T, { code: C }>['params']) => string };

const ERROR_TEXTS: Texts<RuleErrorCode> = {
  action_failed: (p) => `Action ${p.n} (${p.action}) failed: ${p.message}`,
  chain_cut: (p) => `Stopped after ${p.depth} rounds of rules setting each other off; not run: ${p.rules.map((r) => `“${r}”`).join(', ')}`,
  error: (p) => p.text,
};
const SKIP_TEXTS: Texts<SkipCode> = {
  rule_disabled: () => 'The rule is switched off',
  other_organization: () => 'The rule is for another organization',
  other_event: (p) => `The rule does not run on ${p.event}`,
};

/** A rule's error as the API gives it: the code, its parameters and the English text. */
export function ruleError(e: RuleErrorCode): RuleError {
  return { ...e, text: (ERROR_TEXTS[e.code] as (p: unknown) => string)(e.params).slice(0, 1000) } as RuleError;
}

/** Why a dry run skips the rule, as the API gives it. */
export function skipReason(e: SkipCode): SkipReason {
  return { ...e, text: (SKIP_TEXTS[e.code] as (p: unknown) => string)(e.params) } as SkipReason;
}

/**
 * An action's failure, from what it threw: which action (1-based, when known), its type, the
 * desk's error code (`internal` for anything else) and its English message.
 */
export function actionFailed(err: unknown, actions: readonly RuleAction[], index: number | undefined): RuleError {
  const message = (err instanceof Error ? err.message : String(err)).slice(0, 500);
  const reason = err instanceof DomainError ? err.code : 'internal';
  const i = index !== undefined && index < actions.length ? index : undefined;
  return ruleError({ code: 'action_failed', params: { n: i === undefined ? 0 : i + 1, action: i === undefined ? '' : actions[i]!.type, reason, message } });
}

/** The columns an error is stored in: the English text, the code and its parameters (JSON). */
export function errorColumns(e: RuleError | null) {
  return { text: e?.text ?? null, code: e?.code ?? null, params: e ? JSON.stringify(e.params) : null };
}

/**
 * An error read back from its columns. Rows written before errors had codes hold only the English
 * text: they read as the generic `error` code with that text.
 */
export function storedError(text: string | null, code: string | null, params: string | null): RuleError | null {
  if (code && code in ERROR_TEXTS) return { code, params: params ? (JSON.parse(params) as RuleError['params']) : {}, text: text ?? '' } as RuleError;
  return text === null ? null : ruleError({ code: 'error', params: { text } });
}
