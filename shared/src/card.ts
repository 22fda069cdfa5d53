import { z } from 'zod';
import { LeaseAging } from './aging.ts';
import { Instant, LocalDate } from './dates.ts';
import { Cents } from './money.ts';
import { CollectorCapacity, LeaseKind, NoticeKind, StepAction } from './policy.ts';
import { HoldKind } from './scenario.ts';

// The lease card: the one read model every CRM card (Salesforce, HubSpot, Zoho, Dynamics) and
// the Slack app render, served by `GET /v1/leases/{id}/card`. Instants carry the offset of the
// property's zone (as `simulate --json` prints them); days are the property's local days.

/** The rule a decision cites, exactly as `simulate --json` prints it. */
export const CardRule = z.object({
  /** `US-CA/pay-or-quit@2024-01-01`: rule id and the effective date of the version applied. */
  id: z.string(),
  citation: z.string(),
  verified: z.boolean(),
});
export type CardRule = z.infer<typeof CardRule>;

export const CardLease = z.object({
  id: z.string(),
  property_id: z.string(),
  property_name: z.string(),
  jurisdiction: z.string(),
  timezone: z.string(),
  unit: z.string().nullable(),
  kind: LeaseKind,
  status: z.string(),
  rent_cents: Cents,
  due_day: z.number().int(),
  grace_days: z.number().int(),
  /** Who collects: anything but `first_party` is a debt collector under Reg F. */
  collector: CollectorCapacity,
  moved_out_on: LocalDate.nullable(),
});
export type CardLease = z.infer<typeof CardLease>;

export const CardTenant = z.object({
  id: z.string(),
  name: z.string(),
  /** The language tag messages are written in. */
  language: z.string(),
});
export type CardTenant = z.infer<typeof CardTenant>;

/** Severity now, exactly as the engine derives it from the ledger (engine/severity.ts). */
export const CardSeverity = z.object({
  /** The lease's pinned policy; a lease with no case yet shows the one its first case would pin. */
  policy: z.object({ id: z.string(), version: z.number().int(), name: z.string(), pinned: z.boolean() }),
  /** A policy level's id, or `current`, `grace`, `past_due` below the policy's first level. */
  level: z.string(),
  /** The level's name in the policy (below the first level: Current, Grace period, Past due). */
  level_name: z.string(),
  /** Days since the due date of the oldest unpaid charge not wholly disputed (the anchor). */
  days_past_due: z.number().int(),
  /** What escalation acts on: past-due charges, less open credits and what disputes cover. */
  balance_cents: Cents,
  disputed_cents: Cents,
  unpaid_charges: z.number().int(),
  /** The due date every step is counted from; null when nothing escalates. */
  anchor_due_on: LocalDate.nullable(),
  /** The ledger's own view (oldest-due-first allocation): balance and aging buckets. */
  aging: LeaseAging,
});
export type CardSeverity = z.infer<typeof CardSeverity>;

/** A hold in force, or waiting (for approval, or for its start day). */
export const CardHold = z.object({
  id: z.string(),
  kind: HoldKind,
  status: z.enum(['active', 'awaiting_approval']),
  /** Active, started and not ended today: it is holding escalation now. */
  in_force: z.boolean(),
  starts_on: LocalDate,
  ends_on: LocalDate.nullable(),
  reason: z.string().nullable(),
  created_by: z.string(),
  /** The lease it was recorded on: a tenant's bankruptcy or death on another lease holds this one too. */
  lease_id: z.string(),
});
export type CardHold = z.infer<typeof CardHold>;

/** The engine's next policy step for the lease (what `decide` reports as `next_action`). */
export const CardNextAction = z.object({
  type: StepAction,
  /** The local day the step falls on. */
  on: LocalDate,
  /** The step's planned instant on that day (send-time guards may move a contact later). */
  at: Instant,
  step_id: z.string(),
  level: z.string(),
  /** Notice steps: which notice. */
  notice: NoticeKind.nullable(),
  /** A hold in force that pauses automated steps: the step waits until it ends. */
  paused_by: z.string().nullable(),
});
export type CardNextAction = z.infer<typeof CardNextAction>;

/** An action waiting for a person (maker-checker). */
export const CardApproval = z.object({
  key: z.string(),
  seq: z.number().int(),
  /** `approval_request` for drafts; a fee type when the org reviews fees. */
  type: z.string(),
  /** What the draft does once approved (`notice`, `referral`, `placement`, …). */
  action: z.string().nullable(),
  notice: NoticeKind.nullable(),
  /** The role whose approval it needs: `counsel` (only counsel), or `manager` (a manager, counsel or admin); never the drafter. */
  approver: z.enum(['manager', 'counsel']),
  drafted_by: z.string().nullable(),
  drafted_at: Instant,
  amount_cents: Cents.nullable(),
  rule: CardRule.nullable(),
});
export type CardApproval = z.infer<typeof CardApproval>;

/** One entry of the lease's action ledger. */
export const CardTimelineEntry = z.object({
  /** Order of recording; page with `?before=<seq>`. */
  seq: z.number().int(),
  key: z.string(),
  type: z.string(),
  status: z.string(),
  /** When it is (or was) due: a sent contact went out at or after this instant. */
  at: Instant,
  /** Its last status change (a sent contact: when it was sent). */
  updated_at: Instant,
  step_id: z.string().nullable(),
  reason: z.string().nullable(),
  rule: CardRule.nullable(),
  template: z.string().nullable(),
  channel: z.string().nullable(),
  request_id: z.string().nullable(),
  notice: NoticeKind.nullable(),
  /** The fee, credit or reversal amount, or what a notice demands. */
  amount_cents: Cents.nullable(),
});
export type CardTimelineEntry = z.infer<typeof CardTimelineEntry>;

export const CardLevelChange = z.object({
  at: Instant,
  from: z.string(),
  to: z.string(),
  days_past_due: z.number().int(),
  balance_cents: Cents,
  /** `id@version` of the policy that decided it. */
  policy: z.string().nullable(),
});
export type CardLevelChange = z.infer<typeof CardLevelChange>;

export const LeaseCard = z.object({
  /** The instant the view was read at. */
  as_of: Instant,
  /** The property's local day at `as_of`. */
  today: LocalDate,
  lease: CardLease,
  /** The primary tenant. */
  tenant: CardTenant.nullable(),
  severity: CardSeverity,
  holds: z.array(CardHold),
  /** Null when nothing escalates, every step is on record, or a bankruptcy stay or deceased hold stops everything. */
  next_action: CardNextAction.nullable(),
  awaiting_approval: z.array(CardApproval),
  /** The action ledger, newest first, a page at a time. */
  timeline: z.object({
    entries: z.array(CardTimelineEntry),
    /** Pass as `?before=` for the next (older) page; null on the last page. */
    next_before: z.number().int().nullable(),
  }),
  /** Level changes, newest first (the most recent 100; independent of the timeline's page). */
  level_changes: z.array(CardLevelChange),
});
export type LeaseCard = z.infer<typeof LeaseCard>;
