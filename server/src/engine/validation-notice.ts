import type { Create, EffectCommand, NewEffect } from './effects.ts';
import type { LeaseFacts } from './facts.ts';
import type { KnownEffects } from './known.ts';
import { planNotice } from './notices.ts';

/** What reaches the tenant about the debt: the communications Reg F counts. */
const COMMUNICATIONS: readonly string[] = ['email', 'sms', 'call', 'letter', 'certified_letter', 'notice'];

/** A validation notice in these states has reached the tenant or is on its way. */
const STANDING: readonly string[] = ['scheduled', 'awaiting_approval', 'approved', 'sent', 'cured'];

const isValidation = (effect: { type: string; payload: Record<string, unknown> }) =>
  effect.type === 'notice' && effect.payload.notice === 'validation';

/**
 * Reg F (12 CFR 1006.34(a)(1)): a debt collector gives the consumer the validation information
 * in its initial communication or within five days after it. When a decision schedules a debt
 * collector's first communication about a consumer (residential) debt — a policy step, an
 * agent's one-click contact, an approved notice, whichever path made it — or a telephone
 * conversation about the debt is on record, and no validation
 * notice is on record or on its way, one is scheduled for the same instant, so the tenant has it
 * with the first communication rather than after it. A landlord collecting its own rent is no
 * debt collector (nothing is added, even where an org applies Reg F's contact guards to
 * everyone); a lease becomes a debt collector's account when it is placed with an agency.
 * Rent reminders and the one opt-out confirmation are not collection communications.
 */
export function scheduleValidationNotice(
  facts: LeaseFacts,
  known: KnownEffects,
  commands: readonly EffectCommand[],
  create: Create,
  now: Date,
): void {
  if (facts.lease.kind !== 'residential' || facts.lease.collector === 'first_party') return;
  let first: Pick<NewEffect, 'key' | 'due_at' | 'anchor_due_on'> | undefined;
  for (const command of commands) {
    if (command.op !== 'create') continue;
    const e = command.effect;
    if (e.status !== 'scheduled' || !COMMUNICATIONS.includes(e.type) || isValidation(e)) continue;
    if (e.payload.reminder === true || e.payload.purpose === 'opt_out_confirmation') continue;
    if (!first || e.due_at < first.due_at) first = e;
  }
  // A telephone conversation about the debt is a communication too, whoever placed the call
  // (the tenant rang the agency): the notice goes now, well within the five days after it.
  const talked = facts.contact.conversations.some((at) => at <= now.toISOString());
  if (!first && talked) first = { key: 'conversation', due_at: now };
  if (!first) return;
  if (known.some((e) => isValidation(e) && STANDING.includes(e.status))) return;
  const key = `${facts.lease.id}:validation-notice`;
  const plan = planNotice('validation', facts, facts.today);
  if (!plan.ok) {
    create({
      key,
      type: 'notice',
      status: 'blocked',
      reason: plan.reason,
      ...(plan.rule ? { rule: plan.rule } : {}),
      due_at: first.due_at,
      payload: { notice: 'validation', with: first.key },
    });
    return;
  }
  create({
    key,
    type: 'notice',
    status: 'scheduled',
    due_at: first.due_at,
    ...(first.anchor_due_on ? { anchor_due_on: first.anchor_due_on } : {}),
    rule: plan.terms.rule,
    payload: { action: 'notice', notice: 'validation', channels: ['letter'], with: first.key },
  });
}
