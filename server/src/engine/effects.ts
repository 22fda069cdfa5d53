import type { KnownEffect } from './facts.ts';
import type { RuleRef } from '../compliance/rules/index.ts';

export type EffectStatus =
  | 'scheduled'
  | 'awaiting_approval'
  | 'approved'
  | 'rejected'
  | 'sent'
  | 'posted'
  | 'blocked'
  | 'suppressed'
  | 'cancelled'
  | 'cured';

/** A new entry in the action ledger / outbox. The key makes it happen at most once, ever. */
export interface NewEffect {
  key: string;
  type: string;
  status: EffectStatus;
  due_at: Date;
  step_id?: string;
  anchor_due_on?: string;
  request_id?: string;
  drafted_by?: string;
  reason?: string;
  rule?: RuleRef;
  payload: Record<string, unknown>;
}

export type EffectCommand =
  | { op: 'create'; effect: NewEffect }
  | {
      op: 'update';
      key: string;
      status: EffectStatus;
      reason?: string;
      decided_by?: string;
      payload?: Record<string, unknown>;
    }
  | { op: 'hold'; id: string; status: 'kept' | 'broken' | 'expired'; ends_on: string; reason: string };

/** How a just-created effect looks in the action ledger the engine reads back. */
export function asKnown(effect: NewEffect): KnownEffect {
  return {
    key: effect.key,
    type: effect.type,
    status: effect.status,
    step_id: effect.step_id ?? null,
    anchor_due_on: effect.anchor_due_on ?? null,
    request_id: effect.request_id ?? null,
    drafted_by: effect.drafted_by ?? null,
    due_at: effect.due_at.toISOString(),
    reason: effect.reason ?? null,
    payload: effect.payload,
  };
}

/** How the engine's helpers record a new effect or a status change during one decision. */
export type Create = (effect: NewEffect) => void;
export type Update = (
  key: string,
  status: NewEffect['status'],
  reason?: string,
  decidedBy?: string,
  payload?: Record<string, unknown>,
) => void;
