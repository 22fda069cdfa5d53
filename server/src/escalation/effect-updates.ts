import type { Trx } from '../db/database.ts';

/** A change to one effect row, held back to be written with its batch's (writeEffectUpdates). */
export interface EffectUpdate {
  key: string;
  status?: string;
  attempts: number;
  updated_at: Date;
  due_at?: Date;
  payload?: Record<string, unknown>;
  delivered?: boolean;
  provider?: string;
  provider_message_id?: string | null;
  reason?: string;
  rule?: unknown;
}

/** One statement for a batch's effect changes (each key at most once: one per lease, below). */
export async function writeEffectUpdates(trx: Trx, orgId: string, updates: readonly EffectUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  const values = updates.map((u) => ({ ...u, has_reason: u.reason !== undefined, has_rule: u.rule !== undefined }));
  await trx.raw(
    `update effects e set
       status = coalesce(v.status, e.status),
       attempts = v.attempts,
       updated_at = v.updated_at,
       due_at = coalesce(v.due_at, e.due_at),
       payload = e.payload || coalesce(v.payload, '{}'::jsonb),
       provider = case when v.delivered then v.provider else e.provider end,
       provider_message_id = case when v.delivered then v.provider_message_id else e.provider_message_id end,
       reason = case when v.has_reason then v.reason else e.reason end,
       rule = case when v.has_rule then v.rule else e.rule end
     from jsonb_to_recordset(cast(? as jsonb)) as v(key text, status text, attempts int, updated_at timestamptz,
       due_at timestamptz, payload jsonb, delivered boolean, provider text, provider_message_id text,
       has_reason boolean, reason text, has_rule boolean, rule jsonb)
     where e.org_id = ? and e.key = v.key`,
    [JSON.stringify(values), orgId],
  );
}
