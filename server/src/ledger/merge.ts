import type { Rejection } from '@arrears/shared';
import type { Trx } from '../db/database.ts';

export interface MergeContext {
  orgId: string;
  source: string;
  now: Date;
  /** Whether the stage holds any reversal (steps 5 and 6 run only then). */
  hasReversals: boolean;
}

// The fields that make two deliveries of one external id "the same event".
const SAME_EVENT = `
  coalesce(e.lease_id, '') = s.lease_id and e.kind = s.kind
  and e.charge_type is not distinct from s.charge_type
  and (s.amount_cents is null or e.amount_cents = s.amount_cents)
  and e.effective_on = s.effective_on
  and e.due_on is not distinct from s.due_on
  and r.external_id is not distinct from s.reverses`;

const FIRST_DIFFERENCE = `
  case
    when e.lease_id <> s.lease_id then 'lease_id'
    when e.kind <> s.kind then 'kind'
    when s.amount_cents is not null and e.amount_cents <> s.amount_cents then 'amount_cents'
    when e.charge_type is distinct from s.charge_type then 'charge_type'
    when e.effective_on <> s.effective_on then 'effective_on'
    when e.due_on is distinct from s.due_on then 'due_on'
    else 'reverses'
  end`;

function valueOf(alias: 'e' | 's', field: string): string {
  if (field === 'reverses') return alias === 'e' ? "coalesce(r.external_id, 'none')" : `coalesce(s.reverses, 'none')`;
  return `coalesce(${alias}.${field}::text, 'none')`;
}

const DIFFERENCE_MESSAGE = `
  case ${['lease_id', 'kind', 'amount_cents', 'charge_type', 'effective_on', 'due_on', 'reverses']
    .map(
      (f) =>
        `when (${FIRST_DIFFERENCE}) = '${f}' then 'external_id ' || s.external_id || ' was already recorded with ${f} ' || ${valueOf('e', f)} || '; this delivery says ' || ${valueOf('s', f)} || '. Re-deliveries must not change an event: send a new id (or a reversal) instead.'`,
    )
    .join('\n')} end`;

/**
 * Checks the staged events against each other and the ledger, then appends the new ones.
 * Every step is one set-based statement over the whole batch. Returns what happened to each
 * row that did not simply insert.
 */
export async function mergeStage(
  trx: Trx,
  ctx: MergeContext,
): Promise<{ inserted: number; duplicates: number; rejected: Rejection[] }> {
  const { orgId, source, now } = ctx;

  // 1. One external id with two different contents in the same batch: reject all of them.
  //    Most batches repeat no external id at all; one hash aggregate tells, and spares both updates.
  const repeats = await trx.raw<{ rows: { any: boolean }[] }>(
    `select exists (select 1 from ledger_stage group by external_id having count(*) > 1) as any`,
  );
  if (repeats.rows[0]?.any) await inBatchRepeats(trx);

  // 2. The lease must exist in this org (row-level security hides every other org's leases).
  await trx.raw(
    `update ledger_stage s set status = 'rejected', code = 'unknown_lease', field = 'lease_id',
       message = 'lease_id: no lease "' || s.lease_id || '" in this org'
     where s.status = 'new' and not exists (select 1 from leases l where l.org_id = ? and l.id = s.lease_id)`,
    [orgId],
  );

  // 3. Append charges, payments, credits and write-offs whose key is new. The insert probes the
  //    unique key anyway: a row whose key is on record (or another transaction inserted a
  //    moment ago) is skipped and stays 'new' for step 4. Checking every staged event against
  //    the ledger first probed each key twice, and at a million entries (an index larger than
  //    the buffer cache) that first probe was a quarter of the ingest's time.
  await trx.raw(
    `with inserted as (
       insert into ledger_entries (org_id, lease_id, source, external_id, kind, charge_type, amount_cents,
                                   effective_on, due_on, memo, recorded_at)
       select ?, lease_id, ?, external_id, kind, charge_type, amount_cents, effective_on, due_on, memo, ?
       from ledger_stage where status = 'new' and kind <> 'reversal' order by row_no
       on conflict do nothing
       returning id, external_id)
     update ledger_stage s set status = 'inserted', entry_id = i.id from inserted i
     where s.external_id = i.external_id and s.status = 'new'`,
    [orgId, source, now],
  );

  // 4. Already in the ledger (the rows step 3 skipped, and every reversal): the same event is a
  //    duplicate, a different one a conflict. Each finds its entry by a lateral `limit 1` probe
  //    of the unique key, as step 5 does. As a join (even to a scalar probe), the planner went
  //    by the stage's statistics from before step 3 — every event still 'new' — and hashed the
  //    org's whole ledger for the few rows left: 185 ms per chunk at 300,000 entries.
  await trx.raw(
    `update ledger_stage s
       set status = case when ${SAME_EVENT} then 'duplicate' else 'rejected' end,
           code = case when ${SAME_EVENT} then null else 'conflict' end,
           field = case when ${SAME_EVENT} then null else ${FIRST_DIFFERENCE} end,
           message = case when ${SAME_EVENT} then null else ${DIFFERENCE_MESSAGE} end
     from (select st.row_no, x.lease_id, x.kind, x.charge_type, x.amount_cents, x.effective_on, x.due_on, x.reverses_id
           from ledger_stage st
           cross join lateral (
             select x.lease_id, x.kind, x.charge_type, x.amount_cents, x.effective_on, x.due_on, x.reverses_id
             from ledger_entries x
             where x.org_id = ? and x.source = ? and x.external_id = st.external_id
             limit 1) x
           where st.status = 'new') e
     left join lateral (select r.external_id from ledger_entries r where r.id = e.reverses_id limit 1) r on true
     where s.row_no = e.row_no`,
    [orgId, source],
  );

  // Most chunks carry no reversal at all: skip their statements instead of planning joins for nothing.
  if (ctx.hasReversals) await mergeReversals(trx, ctx);
  await trx.raw(`update ledger_stage set status = 'duplicate' where status = 'new'`);

  const counts = await trx.raw<{ rows: { status: string; n: number }[] }>(
    `select status, count(*)::int8 as n from ledger_stage group by status`,
  );
  const count = (status: string) => counts.rows.find((r) => r.status === status)?.n ?? 0;
  const rejectedRows = await trx.raw<{
    rows: { row_no: number; external_id: string; code: string; field: string; message: string }[];
  }>(`select row_no, external_id, code, field, message from ledger_stage where status = 'rejected' order by row_no`);
  return {
    inserted: count('inserted'),
    duplicates: count('duplicate'),
    rejected: rejectedRows.rows.map((r) => ({
      row: r.row_no,
      external_id: r.external_id,
      code: r.code as Rejection['code'],
      field: r.field,
      message: r.message,
    })),
  };
}

/** Steps 5 and 6: resolve each reversal's payment, append it, cancel that payment's allocations. */
async function mergeReversals(trx: Trx, { orgId, source, now }: MergeContext): Promise<void> {
  // 5. Reversals name the payment they undo; resolve and check it (it may be in this batch).
  //    Each reversal looks its payment up by key (the lateral `limit 1` keeps it a probe of the
  //    unique index per reversal): as a plain join, a ledger whose statistics lag behind it (a
  //    strict import's one long transaction, where nothing can be analysed) was planned as one
  //    row and scanned whole against the stage, 30 s for a 10,000-event chunk at 30,000 entries.
  // A reversal dated before its payment would undo money not yet received: every balance
  // between the two dates would be wrong.
  const mismatch = `e.kind <> 'payment' or e.lease_id <> s.lease_id
           or (s.amount_cents is not null and s.amount_cents <> e.amount_cents)
           or s.effective_on < e.effective_on
           or exists (select 1 from ledger_entries x where x.reverses_id = e.id)`;
  await trx.raw(
    `update ledger_stage s set
       reverses_id = e.id,
       amount_cents = coalesce(s.amount_cents, e.amount_cents),
       status = case when ${mismatch} then 'rejected' else s.status end,
       code = case when ${mismatch} then 'reversal_mismatch' end,
       field = case
         when e.kind <> 'payment' then 'reverses'
         when e.lease_id <> s.lease_id then 'lease_id'
         when s.amount_cents is not null and s.amount_cents <> e.amount_cents then 'amount_cents'
         when s.effective_on < e.effective_on then 'effective_on'
         else 'reverses' end,
       message = case
         when e.kind <> 'payment' then 'reverses: ' || s.reverses || ' is a ' || e.kind || '; only payments can be reversed'
         when e.lease_id <> s.lease_id then 'lease_id: payment ' || s.reverses || ' belongs to lease ' || e.lease_id
         when s.amount_cents is not null and s.amount_cents <> e.amount_cents then
           'amount_cents: payment ' || s.reverses || ' was ' || e.amount_cents || ' cents; a reversal undoes all of it'
         when s.effective_on < e.effective_on then
           'effective_on: the reversal is dated ' || to_char(s.effective_on, 'YYYY-MM-DD') || ', before payment '
           || s.reverses || ' (effective ' || to_char(e.effective_on, 'YYYY-MM-DD') || '); date it on or after the payment'
         else 'reverses: payment ' || s.reverses || ' is already reversed' end
     from (select st.row_no, p.id, p.kind, p.lease_id, p.amount_cents, p.effective_on
           from ledger_stage st
           cross join lateral (
             select x.id, x.kind, x.lease_id, x.amount_cents, x.effective_on from ledger_entries x
             where x.org_id = ? and x.source = ? and x.external_id = st.reverses
             limit 1) p
           where st.status = 'new' and st.kind = 'reversal') e
     where s.row_no = e.row_no`,
    [orgId, source],
  );
  await trx.raw(`
    update ledger_stage s set status = 'rejected', code = 'unknown_payment', field = 'reverses',
      message = 'reverses: no payment "' || s.reverses || '" from this source; send the payment first'
    where s.status = 'new' and s.kind = 'reversal' and s.reverses_id is null`);

  // 6. Append reversals, and cancel exactly the reversed payment's allocations with negative
  //    rows dated on the reversal: the charges it paid re-open with their own due dates (in
  //    open_items too), and what the payment had not yet applied is no longer available.
  //    Allocation (after the merge) then pays the re-opened charges from other credits.
  await trx.raw(
    `with inserted as (
       insert into ledger_entries (org_id, lease_id, source, external_id, kind, amount_cents, effective_on,
                                   reverses_id, memo, recorded_at)
       select ?, lease_id, ?, external_id, kind, amount_cents, effective_on, reverses_id, memo, ?
       from ledger_stage where status = 'new' and kind = 'reversal' order by row_no
       on conflict do nothing
       returning id, lease_id, external_id, reverses_id, effective_on),
     marked as (
       update ledger_stage s set status = 'inserted', entry_id = i.id from inserted i
       where s.external_id = i.external_id and s.status = 'new'),
     cancelled as (
       insert into allocations (org_id, lease_id, charge_id, credit_id, amount_cents, applied_on, charge_due_on, reversal_id, created_at)
       select a.org_id, a.lease_id, a.charge_id, a.credit_id, -sum(a.amount_cents), i.effective_on, a.charge_due_on, i.id, ?
       from inserted i join allocations a on a.credit_id = i.reverses_id
       group by a.org_id, a.lease_id, a.charge_id, a.credit_id, a.charge_due_on, i.effective_on, i.id
       having sum(a.amount_cents) > 0
       returning lease_id, charge_id, amount_cents),
     reopened as (
       insert into open_items (org_id, lease_id, entry_id, kind, due_on, effective_on, amount_cents, open_cents)
       select ?, c.lease_id, c.id, 'charge', c.due_on, c.effective_on, c.amount_cents, -sum(x.amount_cents)
       from cancelled x join ledger_entries c on c.id = x.charge_id
       group by c.lease_id, c.id, c.due_on, c.effective_on, c.amount_cents
       on conflict (org_id, lease_id, entry_id) do update set open_cents = open_items.open_cents + excluded.open_cents)
     delete from open_items o using inserted i
     where o.org_id = ? and o.lease_id = i.lease_id and o.entry_id = i.reverses_id`,
    [orgId, source, now, now, orgId, orgId],
  );
}

/** Step 1 when the batch repeats an external id: conflicting repeats rejected, identical ones counted once. */
async function inBatchRepeats(trx: Trx): Promise<void> {
  await trx.raw(`
    update ledger_stage s set status = 'rejected', code = 'conflict', field = 'external_id',
      message = 'external_id ' || s.external_id || ' appears more than once in this batch with different contents'
    where s.external_id in (
      select external_id from ledger_stage group by external_id
      having count(distinct (lease_id, kind, coalesce(charge_type, ''), coalesce(amount_cents, -1), effective_on,
                             coalesce(due_on, effective_on), coalesce(reverses, ''))) > 1)`);
  // ... and identical repeats inside the batch count once.
  await trx.raw(`
    update ledger_stage s set status = 'duplicate'
    from (select row_no, row_number() over (partition by external_id order by row_no) as n
          from ledger_stage where status = 'new') d
    where s.row_no = d.row_no and d.n > 1`);
}
