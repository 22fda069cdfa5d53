import type {
  ChargeType,
  CollectorCapacity,
  HoldKind,
  LateFeeTerms,
  LeaseKind,
  NoticeKind,
  TenantType,
  UserRole,
} from '@arrears/shared';

/**
 * Everything the engine may know about a lease at one instant, read by the caller (the runner,
 * `simulate`) in one transaction. The engine performs no I/O: what is not here, it cannot use.
 */
export interface LeaseFacts {
  org: {
    reg_f_for_all: boolean;
    fee_review: boolean;
    partial_payment_after_notice: 'accept_with_receipt' | 'reject';
    /** One message per tenant for the day's reminders of several leases (escalation/consolidate.ts). */
    consolidate_contacts?: boolean;
    /** Shown to tenants as who writes to them (templates/render.ts); the engine never reads it. */
    name?: string;
    /**
     * The org's payment page with `{org_id}` filled in, `{lease_id}` left for each lease a
     * message links (templates/render.ts); null or absent: messages carry no payment link.
     */
    payment_url?: string | null;
  };
  property: {
    id: string;
    jurisdiction: string;
    timezone: string;
    units: number;
    cares_covered: boolean;
    late_fee: LateFeeTerms | null;
    /** Shown to tenants as the premises (templates/render.ts); the engine never reads it. */
    name?: string;
  };
  lease: {
    id: string;
    kind: LeaseKind;
    rent_cents: number;
    due_day: number;
    grace_days: number;
    late_fee: LateFeeTerms | null;
    collector: CollectorCapacity;
    segment: string | null;
    cure_days: number | null;
    autopay: boolean;
    status: string;
    moved_out_on: string | null;
  };
  /** `stayed`: under a bankruptcy stay or deceased on some lease they are a party to (not written to). */
  tenants: { id: string; type: TenantType; role: string; stayed?: boolean }[];
  /** The lease's local day at `now`. */
  today: string;
  /**
   * Charges with something still open, oldest due first, including ones not yet due, as
   * escalation reads the ledger: money pays rent before late and NSF fees (rent-first.ts).
   */
  open_charges: {
    external_id: string;
    charge_type: ChargeType;
    due_on: string;
    amount_cents: number;
    open_cents: number;
    /** Of `open_cents`, what a dispute in force covers (rent-first.ts): escalation leaves it out. */
    disputed_cents?: number;
  }[];
  /** Payments, credits, write-offs and reversals, in posting order. */
  credits: {
    external_id: string;
    kind: 'payment' | 'credit' | 'write_off' | 'reversal';
    amount_cents: number;
    effective_on: string;
    reverses?: string;
    reason?: string;
    /** 'arrears' for an entry Arrears posted itself (a fee reversal's credit): not money received. */
    source?: 'arrears';
  }[];
  balance_cents: number;
  unapplied_credit_cents: number;
  holds: Hold[];
  /** The earliest effective day after today of an entry already delivered (a scheduled charge). */
  next_entry_on?: string | null;
  /** Due dates (today or later) of rent charges already posted, paid or not. */
  posted_rent_due?: string[];
  /**
   * Late fees the accounting system charged itself, per rent period (its due date): one fee per
   * period, so Arrears adds none of its own there.
   */
  fees_charged_elsewhere?: { period_due_on: string; amount_cents: number }[];
  /** What the send-time guards need about reaching the primary tenant. */
  contact: {
    phone_timezone: string | null;
    /** Whether the contact has an email address and a phone number on file (absent: assume yes). */
    reachable?: { email: boolean; phone: boolean };
    consents: { email: boolean; sms: boolean; voice: boolean };
    /** Channels the tenant revoked (a STOP reply), with when. */
    revoked: { channel: string; at: string }[];
    call_attempts: string[];
    conversations: string[];
    opt_out_confirmations: number;
  };
}

export interface Hold {
  id: string;
  kind: HoldKind;
  status: 'awaiting_approval' | 'active' | 'kept' | 'broken' | 'released' | 'expired' | 'rejected';
  starts_on: string;
  ends_on: string | null;
  /**
   * The local day the hold was entered. A `starts_on` before it is a backdated hold, whose
   * covered days reach back before anyone knew of it (fees already posted for them are
   * reversed). Absent: the hold was entered on its `starts_on`.
   */
  recorded_on?: string;
  /**
   * The instant the hold was closed (released, kept, broken, expired). A hold released or kept
   * during a day was in force for that day's late fee if the fee's time came first.
   */
  ended_at?: string;
  terms: {
    promises?: { by: string; amount_cents: number }[];
    installments?: { by: string; amount_cents: number }[];
    amount_cents?: number;
    chapter?: number;
    reason?: string;
  };
  created_by: string;
}

/** An effect already on record for this lease (the action ledger), as the engine needs it. */
export interface KnownEffect {
  key: string;
  type: string;
  status: string;
  step_id: string | null;
  anchor_due_on: string | null;
  request_id: string | null;
  drafted_by: string | null;
  due_at: string;
  /** Why it was blocked, suppressed or cancelled. */
  reason?: string | null;
  payload: Record<string, unknown>;
}

export interface Actor {
  id: string;
  role: UserRole;
}

export type NoticeOrAction = { action: string; notice?: NoticeKind; channel?: string };
