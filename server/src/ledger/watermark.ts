import type { Trx } from '../db/database.ts';

/**
 * The org's watermark: the latest effective day in its ledger. Aging as of a day on or after
 * it reads the maintained state (open_items, written by allocateOpenItems); an earlier day
 * needs the history.
 */
export async function raiseWatermark(trx: Trx, orgId: string, lastEffectiveOn: string | null): Promise<void> {
  if (!lastEffectiveOn) return;
  await trx.raw(
    `insert into ledger_watermarks (org_id, last_effective_on) values (?, ?)
     on conflict (org_id) do update set last_effective_on = greatest(ledger_watermarks.last_effective_on, excluded.last_effective_on)`,
    [orgId, lastEffectiveOn],
  );
}
