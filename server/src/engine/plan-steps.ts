import type { PolicyDocument } from '@arrears/shared';
import { addDays, instant, instantIso } from './days.ts';
import type { CaseState } from './decide.ts';
import type { Create } from './effects.ts';
import type { Hold, KnownEffect, LeaseFacts } from './facts.ts';
import type { KnownEffects } from './known.ts';
import { isLegalAction, LEGAL_NOTICES, movedOut, planNotice, POSSESSION_NOTICES } from './notices.ts';
import { levelRank, reachableLevel, type Severity } from './severity.ts';
import { NOTICE_VOID, VOID_IN_STAY } from './stayed-notices.ts';
import { datedSteps, lateness, releaseDay, stepKey } from './steps.ts';

// A referral withdrawn because its notice was cured comes back when the cure is undone (NSF).
const REARMED: readonly string[] = ['cured', 'notice_cured', VOID_IN_STAY, NOTICE_VOID];
const CONTACT_ACTIONS: readonly string[] = ['email', 'sms', 'call', 'letter', 'certified_letter'];
const DAY_MS = 86_400_000;

const OFFSETS = new WeakMap<PolicyDocument, Map<string, number>>();

/** Each step's day by id; policies are immutable, so this is computed once per document. */
function stepOffsets(policy: PolicyDocument): Map<string, number> {
  let offsets = OFFSETS.get(policy);
  if (!offsets) {
    offsets = new Map(policy.levels.flatMap((l) => l.steps.map((st) => [st.id, st.day] as const)));
    OFFSETS.set(policy, offsets);
  }
  return offsets;
}

/**
 * The key a step's next attempt uses: its own key, or — when a cure cancelled every earlier
 * attempt before it reached anyone — the next `#n` suffix. Null when an attempt stands (sent,
 * pending, suppressed for a reason): a step never reaches the tenant twice. One suppression is
 * not final: a notice that had nothing to demand (only fees past due where the law demands rent,
 * or the rent all disputed) is looked at again (`retry`) and drafted under the next suffix once
 * it demands something — new rent come due under the same anchor, a dispute resolved.
 */
function armedKey(key: string, known: KnownEffects): { key: string; retry: boolean } | null {
  let retry = false;
  for (let attempt = 1; ; attempt++) {
    const candidate = attempt === 1 ? key : `${key}#${attempt}`;
    const effect = known.get(candidate);
    if (!effect) return { key: candidate, retry };
    if (withdrawn(effect)) retry = false;
    else if (effect.type === 'approval_request' && effect.status === 'approved') {
      // Approved, and what it approved was withdrawn before it counted (a notice served during
      // a bankruptcy stay, a referral on such a notice): the step is drafted again.
      const approved = known.get(`${candidate}:${String(effect.payload.action)}`);
      if (!approved || !withdrawn(approved)) return null;
    } else if (effect.status === 'suppressed' && effect.reason === 'nothing_to_demand') retry = true;
    else return null;
  }
}

/** Suppressed at send time by a hold that pauses contact: the step was held, not done. */
const PAUSED = ['hold_promise_to_pay', 'hold_payment_plan', 'hold_manual', 'hold_payment_in_transit'];

/**
 * An attempt that never counted: cancelled by a cure before it reached anyone, void, or held
 * back at send time by a pause entered after it was planned (a promise taken at 10:00 before the
 * 11:00 call) — escalation resumes at that step once the hold ends without a cure.
 */
function withdrawn(effect: KnownEffect): boolean {
  if (effect.status === 'suppressed') return PAUSED.includes(effect.reason ?? '');
  return effect.status === 'cancelled' && REARMED.includes(effect.reason ?? '');
}

/** Plans every step of the current anchor that is due by today: the heart of escalation. */
export function planSteps(
  policy: PolicyDocument,
  facts: LeaseFacts,
  sev: Severity,
  state: CaseState,
  known: KnownEffects,
  create: Create,
  holds: Hold[],
  now: Date,
): void {
  const anchor = sev.anchor_due_on!;
  const tz = facts.property.timezone;
  const blockLegal = holds.some((h) => h.kind === 'scra');
  const gone = movedOut(facts);
  // One day's group at a time: after downtime or a hold, steps go out in order, not in a burst.
  // A group already sent today (an earlier evaluation) counts: the next group waits a day.
  const offsets = stepOffsets(policy);
  // Today's bounds as ISO instants: comparing strings beats a zone lookup per known effect.
  const todayFrom = instantIso(facts.today, '00:00', tz);
  const todayUntil = instantIso(addDays(facts.today, 1), '00:00', tz);
  // The latest day among them, looked up when a step first needs it (most evaluations plan
  // nothing new); until then this loop creates only `suppressed` entries, which do not count.
  let firedDay: string | undefined;
  let firedKnown = false;
  const fired = () => {
    firedKnown = true;
    known.each(
      (effect) =>
        !!effect.step_id &&
        effect.anchor_due_on === anchor &&
        !effect.request_id &&
        effect.status !== 'suppressed' &&
        effect.due_at >= todayFrom &&
        effect.due_at < todayUntil,
      (effect) => {
        const offset = offsets.get(effect.step_id!);
        const day = offset === undefined ? undefined : addDays(anchor, offset);
        if (day && (firedDay === undefined || day > firedDay)) firedDay = day;
      },
    );
  };
  // reachedSteps(), without keys for the steps not due yet: the list is in day order.
  const rank = levelRank(policy, sev.level);
  for (const planned of datedSteps(policy, facts, anchor)) {
    if (planned.rank > rank) continue;
    // Levels on the same days split by balance (a call above $1,000, an email below): a lower
    // level's steps are the lease's only if its balance and unpaid-charges ranges hold now.
    const level = policy.levels[planned.rank];
    if (level && !reachableLevel(level, sev)) continue;
    if (planned.day > facts.today) break;
    const armed = armedKey(stepKey(facts.lease.id, planned.step.id, anchor), known);
    if (armed === null) continue;
    const { key, retry } = armed;
    if (state.anchor_since && planned.day < state.anchor_since) continue;
    const { step } = planned;
    // The tenant moved out: a notice for possession or an eviction referral makes no sense;
    // collecting the balance (letters, placement) goes on.
    if (gone && possessionStep(step.action, step.action === 'notice' ? step.notice : step.after_notice)) {
      create({
        key,
        step_id: step.id,
        anchor_due_on: anchor,
        type: step.action,
        status: 'suppressed',
        reason: 'moved_out',
        due_at: now,
        payload: {
          level: planned.level,
          template: step.template ?? step.id,
          ...(step.notice ? { notice: step.notice } : {}),
        },
      });
      continue;
    }
    // Under an SCRA hold a legal step waits (it is not drafted); once the hold ends it resumes
    // like a paused step, on the first business day after it.
    const legal = isLegalAction(step.action, step.notice);
    if (legal && blockLegal) continue;
    let release = releaseDay(planned.day, facts.holds, 'US', legal);
    if (release !== undefined && state.reopened_on && release < state.reopened_on) release = state.reopened_on;
    if (release === undefined || release > facts.today) continue;
    const base = {
      key,
      step_id: step.id,
      anchor_due_on: anchor,
      payload: { level: planned.level, template: step.template ?? step.id } as Record<string, unknown>,
    };
    // A referral waits for its notice to be served: until then it is neither due nor late, and
    // it does not hold up the steps after it. It is due from the day the notice was served.
    let notice: KnownEffect | undefined;
    if (step.after_notice) {
      // Only a served, uncured notice gates a referral; a blocked or cured one never does.
      notice = known.find(
        (e) =>
          e.type === 'notice' &&
          e.payload.notice === step.after_notice &&
          e.anchor_due_on === anchor &&
          e.status === 'sent',
      );
      if (!notice) continue;
      const served = typeof notice.payload.served_on === 'string' ? notice.payload.served_on : undefined;
      if (served && served > release) release = served;
    }
    // The catch-up window is for steps missed while the service was down (their day came before
    // the current run of daily evaluations). A step the service saw on time but sent later — one
    // group a day after a hold, or behind a prerequisite — is never "missed".
    const missedWhileDown = release < (state.up_since ?? facts.today);
    if (missedWhileDown && lateness(release, facts.today) > step.catch_up_days) {
      create({ ...base, type: step.action, status: 'suppressed', reason: 'missed_catch_up_window', due_at: now });
      continue;
    }
    if (!firedKnown) fired();
    if (firedDay !== undefined && planned.day !== firedDay) break;
    firedDay = planned.day;
    const dueAt = instant(facts.today, step.at, tz);
    // An agent reached the tenant on this channel in the last day: the automated step would
    // repeat it (Invoice Ninja #9312), so it is recorded as skipped instead.
    if (CONTACT_ACTIONS.includes(step.action)) {
      const recent = known.find(
        (e) =>
          !!e.request_id &&
          e.type === step.action &&
          e.status === 'sent' &&
          dueAt.getTime() - Date.parse(e.due_at) < DAY_MS &&
          dueAt.getTime() >= Date.parse(e.due_at),
      );
      if (recent) {
        create({
          ...base,
          type: step.action,
          status: 'suppressed',
          reason: 'contacted_recently',
          due_at: dueAt,
          payload: { ...base.payload, after: recent.key },
        });
        continue;
      }
    }
    if (notice) {
      create({
        ...base,
        type: 'approval_request',
        status: 'awaiting_approval',
        due_at: dueAt,
        payload: {
          ...base.payload,
          action: step.action,
          after_notice: notice.key,
          earliest_on: notice.payload.earliest_next_step_on,
          approver: step.approval ?? 'manager',
        },
      });
      continue;
    }
    if (step.action === 'notice') {
      const served = known.find(
        (e) =>
          e.type === 'notice' &&
          e.payload.notice === step.notice &&
          e.anchor_due_on === anchor &&
          ['scheduled', 'sent', 'cured'].includes(e.status),
      );
      if (served) {
        create({
          ...base,
          type: 'notice',
          status: 'suppressed',
          reason: 'notice_already_served',
          due_at: dueAt,
          payload: { ...base.payload, notice: step.notice, served: served.key },
        });
        continue;
      }
      const plan = planNotice(step.notice!, facts, facts.today, step.channels, step.period_days);
      if (!plan.ok) {
        create({
          ...base,
          type: 'notice',
          status: 'blocked',
          reason: plan.reason,
          ...(plan.rule ? { rule: plan.rule } : {}),
          due_at: dueAt,
          payload: { ...base.payload, notice: step.notice },
        });
        continue;
      }
      if (plan.terms.amount_demanded_cents <= 0 && LEGAL_NOTICES.includes(step.notice!)) {
        // Still nothing: the suppression on record says so once.
        if (retry) continue;
        // Only fees are past due and this notice may demand rent only (California): nothing to serve.
        create({
          ...base,
          type: 'notice',
          status: 'suppressed',
          reason: 'nothing_to_demand',
          due_at: dueAt,
          rule: plan.terms.rule,
          payload: { ...base.payload, notice: step.notice },
        });
        continue;
      }
      const gated = LEGAL_NOTICES.includes(step.notice!) || !plan.verified;
      create({
        ...base,
        type: gated ? 'approval_request' : 'notice',
        status: gated ? 'awaiting_approval' : 'scheduled',
        due_at: dueAt,
        rule: plan.terms.rule,
        payload: {
          ...base.payload,
          action: 'notice',
          notice: step.notice,
          ...(step.period_days !== undefined ? { period_days: step.period_days } : {}),
          channels: plan.terms.channels,
          approver: plan.verified ? (step.approval ?? 'manager') : 'counsel',
        },
      });
      continue;
    }
    const gated = ['referral', 'placement', 'write_off', 'credit_report'].includes(step.action);
    create({
      ...base,
      type: gated ? 'approval_request' : step.action,
      status: gated ? 'awaiting_approval' : 'scheduled',
      due_at: dueAt,
      payload: gated ? { ...base.payload, action: step.action, approver: step.approval ?? 'manager' } : base.payload,
    });
  }
}

/** A notice for possession, or a referral waiting on one (an eviction referral). */
function possessionStep(action: string, notice: string | undefined): boolean {
  return (action === 'notice' || action === 'referral') && POSSESSION_NOTICES.includes(notice as never);
}
