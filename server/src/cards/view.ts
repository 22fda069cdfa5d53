import {
  NoticeKind,
  type CardApproval,
  type CardHold,
  type CardLevelChange,
  type CardNextAction,
  type CardRule,
  type CardTimelineEntry,
  type LeaseAging,
  type LeaseCard,
} from '@arrears/shared';
import { instant } from '../engine/days.ts';
import { upcomingStep } from '../engine/upcoming.ts';
import type { KnownEffect, LeaseFacts } from '../engine/facts.ts';
import { activeHolds, strongest } from '../engine/holds.ts';
import { KnownEffects } from '../engine/known.ts';
import { CURRENT, GRACE, PAST_DUE, severity } from '../engine/severity.ts';
import type { ContactCard } from '../escalation/delivery.ts';
import type { PinnedPolicy } from '../escalation/policies.ts';
import { formatZoned } from '../time/zoned.ts';

// The lease card, assembled from rows already read (cards/load.ts) and the engine's own pure
// functions: severity and the next step are computed exactly as `decide` computes them, so the
// card never disagrees with what the evaluator does at the same instant.

/** An `effects` row as the driver returns it (bigint `seq` arrives as a string). */
export interface EffectRow {
  seq: number | string;
  key: string;
  type: string;
  status: string;
  due_at: Date | string;
  created_at: Date | string;
  updated_at: Date | string;
  step_id: string | null;
  request_id: string | null;
  drafted_by: string | null;
  reason: string | null;
  rule: unknown;
  payload: Record<string, unknown> | null;
}

/** A `case_events` row of type `level_changed`. */
export interface LevelChangeRow {
  at: Date | string;
  data: Record<string, unknown>;
}

export interface CardData {
  /** The instant the view is of. */
  now: Date;
  /** What the engine reads (escalation/facts.ts `loadLeaseContext`) at `now`. */
  facts: LeaseFacts;
  known: readonly KnownEffect[];
  cards: readonly ContactCard[];
  unit: string | null;
  policy: PinnedPolicy;
  /** Whether a case pinned `policy` (else it is the one the lease's first case would pin). */
  pinned: boolean;
  aging: LeaseAging;
  /** The lease each hold was recorded on, by hold id (a tenant's hold may come from another lease). */
  holdLeases: ReadonlyMap<string, string>;
  /** The lease's effects awaiting approval, oldest first. */
  approvals: readonly EffectRow[];
  /** The timeline page: newest first, up to `limit + 1` rows (one more tells a next page exists). */
  timeline: readonly EffectRow[];
  limit: number;
  /** Level changes, newest first. */
  levelChanges: readonly LevelChangeRow[];
}

const BELOW_POLICY: Record<string, string> = { [CURRENT]: 'Current', [GRACE]: 'Grace period', [PAST_DUE]: 'Past due' };
const CONTACT_TYPES = new Set(['email', 'sms', 'call', 'letter', 'certified_letter']);

export function buildLeaseCard(data: CardData): LeaseCard {
  const { facts, policy } = data;
  const tz = facts.property.timezone;
  const at = (value: Date | string) => formatZoned(new Date(value), tz);
  const document = policy.document;
  const sev = severity(document, facts);
  const stop = strongest(activeHolds(facts, facts.today));
  const step = upcomingStep(document, facts, sev, new KnownEffects(data.known), stop);
  const nextAction: CardNextAction | null = step
    ? {
        type: step.step.action,
        on: step.day,
        at: at(instant(step.day, step.step.at, tz)),
        step_id: step.step.id,
        level: step.level,
        notice: step.step.action === 'notice' ? (step.step.notice ?? null) : null,
        paused_by: stop?.effect === 'pause' ? stop.hold.id : null,
      }
    : null;
  const level = document.levels.find((l) => l.id === sev.level);
  const primary = facts.tenants.find((t) => t.role === 'primary');
  const card = primary ? data.cards.find((c) => c.tenant_id === primary.id) : undefined;
  const page = data.timeline.slice(0, data.limit);
  return {
    as_of: at(data.now),
    today: facts.today,
    lease: {
      id: facts.lease.id,
      property_id: facts.property.id,
      property_name: facts.property.name ?? facts.property.id,
      jurisdiction: facts.property.jurisdiction,
      timezone: tz,
      unit: data.unit,
      kind: facts.lease.kind,
      status: facts.lease.status,
      rent_cents: facts.lease.rent_cents,
      due_day: facts.lease.due_day,
      grace_days: facts.lease.grace_days,
      collector: facts.lease.collector,
      moved_out_on: facts.lease.moved_out_on,
    },
    tenant: card ? { id: card.tenant_id, name: card.name, language: card.language ?? 'en' } : null,
    severity: {
      policy: { id: policy.id, version: policy.version, name: document.name, pinned: data.pinned },
      level: sev.level,
      level_name: level ? (level.name ?? level.id) : (BELOW_POLICY[sev.level] ?? sev.level),
      days_past_due: sev.days_past_due,
      balance_cents: sev.balance_cents,
      disputed_cents: sev.disputed_cents,
      unpaid_charges: sev.unpaid_charges,
      anchor_due_on: sev.anchor_due_on,
      aging: data.aging,
    },
    holds: cardHolds(facts, data.holdLeases),
    next_action: nextAction,
    awaiting_approval: data.approvals.map((row) => approvalOf(row, at)),
    timeline: {
      entries: page.map((row) => entryOf(row, at)),
      next_before: data.timeline.length > data.limit && page.length > 0 ? Number(page.at(-1)!.seq) : null,
    },
    level_changes: data.levelChanges.map((row) => levelChangeOf(row, at)),
  };
}

/** Holds in force today, and holds waiting: for approval, or for a start day still ahead. */
function cardHolds(facts: LeaseFacts, leases: ReadonlyMap<string, string>): CardHold[] {
  const inForce = new Set(activeHolds(facts, facts.today).map((h) => h.id));
  return facts.holds.flatMap((hold): CardHold[] => {
    const status = hold.status;
    if (status !== 'active' && status !== 'awaiting_approval') return [];
    // Active but past its end date: the next evaluation records it expired.
    if (status === 'active' && hold.ends_on !== null && hold.ends_on < facts.today) return [];
    return [
      {
        id: hold.id,
        kind: hold.kind,
        status,
        in_force: inForce.has(hold.id),
        starts_on: hold.starts_on,
        ends_on: hold.ends_on,
        reason: typeof hold.terms.reason === 'string' ? hold.terms.reason : null,
        created_by: hold.created_by,
        lease_id: leases.get(hold.id) ?? facts.lease.id,
      },
    ];
  });
}

type Format = (value: Date | string) => string;

function approvalOf(row: EffectRow, at: Format): CardApproval {
  const payload = row.payload ?? {};
  return {
    key: row.key,
    seq: Number(row.seq),
    type: row.type,
    action: text(payload.action),
    notice: noticeOf(payload.notice),
    // requests.ts handleApproval: no approver named means a manager's approval.
    approver: payload.approver === 'counsel' ? 'counsel' : 'manager',
    drafted_by: row.drafted_by,
    drafted_at: at(row.created_at),
    amount_cents: amountOf(payload),
    rule: ruleOf(row.rule ?? payload.rule),
  };
}

function entryOf(row: EffectRow, at: Format): CardTimelineEntry {
  const payload = row.payload ?? {};
  const channels = Array.isArray(payload.channels) ? payload.channels : [];
  return {
    seq: Number(row.seq),
    key: row.key,
    type: row.type,
    status: row.status,
    at: at(row.due_at),
    updated_at: at(row.updated_at),
    step_id: row.step_id,
    reason: row.reason,
    rule: ruleOf(row.rule ?? payload.rule),
    template: text(payload.template),
    channel: text(payload.channel) ?? text(channels[0]) ?? (CONTACT_TYPES.has(row.type) ? row.type : null),
    request_id: row.request_id,
    notice: noticeOf(payload.notice),
    amount_cents: amountOf(payload),
  };
}

function levelChangeOf(row: LevelChangeRow, at: Format): CardLevelChange {
  const d = row.data;
  return {
    at: at(row.at),
    from: String(d.from),
    to: String(d.to),
    days_past_due: Number(d.days_past_due ?? 0),
    balance_cents: Number(d.balance_cents ?? 0),
    policy: text(d.policy),
  };
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

const noticeOf = (value: unknown): NoticeKind | null =>
  NoticeKind.options.includes(value as NoticeKind) ? (value as NoticeKind) : null;

/** A fee's, credit's or reversal's amount; for a notice, what it demands. */
function amountOf(payload: Record<string, unknown>): number | null {
  for (const value of [payload.amount_cents, payload.amount_demanded_cents])
    if (typeof value === 'number' && Number.isInteger(value)) return value;
  return null;
}

function ruleOf(value: unknown): CardRule | null {
  if (!value || typeof value !== 'object') return null;
  const rule = value as Record<string, unknown>;
  if (typeof rule.id !== 'string') return null;
  return { id: rule.id, citation: String(rule.citation ?? ''), verified: rule.verified === true };
}
