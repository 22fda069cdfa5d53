import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { importLedgerFile } from '../import/import-file.ts';
import { ingestLedgerEvents } from '../ledger/ingest.ts';
import { SIM_ORG, type SimulationRun } from '../simulate/run.ts';
import { simulateRun } from '../simulate/testing.ts';
import { zonedInstant } from '../time/zoned.ts';
import { sandboxPorts } from '../providers/sandbox/sandbox.ts';
import { dispatchEffect, earliestScheduledEffect } from './dispatch.ts';
import { evaluateLease } from './evaluate.ts';
import { contactGuard } from './guards.ts';

// Fla. Stat. 83.56(5)(a) on the production ledger path: the payment arrives as a ledger record
// (the HTTP API's and the accounting webhook's ingest, `arrears import`) after the accounting
// system received the money, and the lease is then evaluated and what is due dispatched, as the
// runner's jobs do. The state before it (May's rent unpaid, a Florida 3-day notice served Thu
// Jun 4 expiring Tue Jun 9, the eviction referral drafted behind it) is built by simulate, up
// to Sun Jun 7.

type Handling = 'accept_with_receipt' | 'reject';
const NOON_JUN_8 = zonedInstant('2026-06-08', '12:00', 'America/New_York');

function scenario(handling: Handling, jurisdiction = 'US-FL'): string[] {
  return [
    'version: 1',
    'start: 2026-05-01',
    'end: 2026-06-07',
    'policy: default-residential',
    `org: {partial_payment_after_notice: ${handling}}`,
    'users: [{id: agent-1, role: agent}, {id: manager-1, role: manager}]',
    `properties: [{id: P1, jurisdiction: ${jurisdiction}, timezone: America/New_York, units: 16, cares_covered: false}]`,
    'leases:',
    '  - {id: A, property: P1, kind: residential, rent_cents: 180000, due_day: 1, grace_days: 2,',
    '     tenants: [{id: TA, name: A, email: a@example.test}]}',
    'events:',
    '  - {at: 2026-05-01, type: charge, lease: A, id: R-05, kind: rent, amount_cents: 180000, due: 2026-05-01}',
    '  - {at: "2026-06-04T09:00:00-04:00", type: request, lease: A, id: N1, action: notice, notice: pay_or_quit, channel: letter, by: agent-1}',
    '  - {at: "2026-06-04T10:00:00-04:00", type: approval, request: N1, decision: approve, by: manager-1}',
  ];
}

const payment = (id: string, amount: number) => ({
  kind: 'payment',
  lease_id: 'A',
  external_id: id,
  amount_cents: amount,
  effective_on: '2026-06-08',
});

/** `POST /v1/ledger/events` (and the accounting webhook) ingest, then the runner's evaluation. */
async function postPayments(run: SimulationRun, events: Record<string, unknown>[]): Promise<void> {
  const ctx = { orgId: SIM_ORG, source: 'books', actor: 'api_key:books', now: NOON_JUN_8 };
  const result = await ingestLedgerEvents(
    run.db,
    ctx,
    events.map((value, i) => ({ row: i + 1, value })),
  );
  expect(result.rejected).toEqual([]);
  await evaluate(run);
}

/** The runner's evaluation job for the lease, then the dispatch jobs of what is due. */
async function evaluate(run: SimulationRun): Promise<void> {
  const scope = { db: run.db, orgId: SIM_ORG, policyFor: () => ({ id: run.policyId }) };
  await evaluateLease(scope, 'A', { type: 'evaluate', cause: 'ledger:books' }, NOON_JUN_8, {
    id: 'system:runner',
    role: 'system',
  });
  const dispatch = { db: run.db, orgId: SIM_ORG, guard: contactGuard, ports };
  for (let next = await earliestScheduledEffect(run.db, SIM_ORG); next && new Date(next.due_at) <= NOON_JUN_8;) {
    await dispatchEffect(dispatch, next.key, NOON_JUN_8);
    next = await earliestScheduledEffect(run.db, SIM_ORG);
  }
}
const ports = sandboxPorts();

async function effects(run: SimulationRun) {
  const rows = await run.db.withOrg(SIM_ORG, (trx) =>
    trx('effects')
      .where({ org_id: SIM_ORG, lease_id: 'A' })
      .orderBy('seq')
      .select('key', 'type', 'status', 'reason', 'payload', 'rule'),
  );
  const byType = (type: string) => rows.filter((r: { type: string }) => r.type === type);
  return { rows, byType };
}

async function audited(run: SimulationRun, key: string): Promise<string[]> {
  const rows = await run.db.withOrg(SIM_ORG, (trx) =>
    trx('audit_log').where({ org_id: SIM_ORG, subject_type: 'effect', subject_id: key }).orderBy('seq').pluck('action'),
  );
  return rows as string[];
}

async function balance(run: SimulationRun): Promise<number> {
  const [row] = await run.db.withOrg(SIM_ORG, (trx) =>
    trx('ledger_entries')
      .where({ org_id: SIM_ORG, lease_id: 'A' })
      .select(
        trx.raw(`sum(case when kind in ('charge', 'reversal') then amount_cents else -amount_cents end)::int8 as b`),
      ),
  );
  return Number(row.b);
}

test('accept_with_receipt: a partial payment the API delivers gets what simulate gives it (receipt, notice cancelled, referral re-gated, audited)', async () => {
  await simulateRun(scenario('accept_with_receipt'), async (run) => {
    const before = await effects(run);
    const notice = before.byType('notice')[0];
    expect(notice).toMatchObject({ status: 'sent' });
    const referral = before.rows.find(
      (r: { payload: { after_notice?: string } }) => r.payload.after_notice === notice.key,
    );
    expect(referral).toMatchObject({ status: 'awaiting_approval' });

    await postPayments(run, [payment('PAY-1', 90000)]);
    const after = await effects(run);
    const receipt = after.byType('receipt');
    expect(receipt).toEqual([
      expect.objectContaining({
        key: 'A:payment:PAY-1:receipt',
        status: 'sent',
        payload: expect.objectContaining({ amount_cents: 90000, balance_after_cents: 90000, notice_id: notice.key }),
        rule: expect.objectContaining({ citation: 'Fla. Stat. 83.56(5)(a)' }),
      }),
    ]);
    expect(after.rows.find((r: { key: string }) => r.key === notice.key)).toMatchObject({
      status: 'cancelled',
      reason: 'partial_payment_accepted_new_notice_required',
    });
    expect(after.rows.find((r: { key: string }) => r.key === referral.key)).toMatchObject({
      status: 'cancelled',
      reason: 'partial_payment_accepted_new_notice_required',
    });
    expect(await audited(run, notice.key)).toContain('effect.cancelled');
    expect(await audited(run, 'A:payment:PAY-1:receipt')).toEqual(['effect.scheduled', 'effect.sent']);
    expect(await balance(run)).toBe(90000);

    // The webhook delivered again: one ledger entry, one receipt.
    await postPayments(run, [payment('PAY-1', 90000)]);
    expect((await effects(run)).byType('receipt')).toHaveLength(1);
  });
});

test('reject: money already received is recorded; a blocked refusal and an agent task say it must be returned; the notice keeps running', async () => {
  await simulateRun(scenario('reject'), async (run) => {
    await postPayments(run, [payment('PAY-1', 90000)]);
    const { rows, byType } = await effects(run);
    expect(byType('payment_refused')).toEqual([
      expect.objectContaining({
        key: 'A:payment:PAY-1:refused',
        status: 'blocked',
        reason: 'partial_payment_while_notice_open',
        payload: expect.objectContaining({ amount_cents: 90000, received: true }),
      }),
    ]);
    expect(rows.find((r: { key: string }) => r.key === 'A:payment:PAY-1:return')).toMatchObject({
      type: 'task',
      status: 'sent',
      payload: expect.objectContaining({ purpose: 'return_partial_payment', amount_cents: 90000 }),
    });
    expect(byType('receipt')).toEqual([]);
    expect(byType('notice')[0]).toMatchObject({ status: 'sent' });
    expect(await audited(run, 'A:payment:PAY-1:refused')).toEqual(['effect.blocked']);
    expect(await balance(run)).toBe(90000);
  });
});

test('a payment of everything the notice demands is not partial, and two halves in one delivery are not either', async () => {
  for (const events of [[payment('PAY-1', 180000)], [payment('PAY-1', 90000), payment('PAY-2', 90000)]])
    await simulateRun(scenario('reject'), async (run) => {
      await postPayments(run, events);
      const { byType } = await effects(run);
      expect(byType('payment_refused')).toEqual([]);
      expect(byType('task').filter((t: { key: string }) => t.key.includes(':payment:'))).toEqual([]);
      expect(byType('notice')[0]).toMatchObject({ status: 'cured' });
    });
});

test('arrears import applies the same rule', async () => {
  await simulateRun(scenario('accept_with_receipt'), async (run) => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'partial-payment-'));
    const file = path.join(dir, 'payments.ndjson');
    await fs.writeFile(file, `${JSON.stringify(payment('PAY-9', 50000))}\n`);
    try {
      await importLedgerFile(run.db, { orgId: SIM_ORG, source: 'books', actor: 'cli:import', now: NOON_JUN_8 }, file);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
    await evaluate(run);
    const { byType } = await effects(run);
    expect(byType('receipt')).toEqual([
      expect.objectContaining({
        key: 'A:payment:PAY-9:receipt',
        payload: expect.objectContaining({ balance_after_cents: 130000 }),
      }),
    ]);
    expect(byType('notice')[0]).toMatchObject({ status: 'cancelled' });
  });
});

test('a California lease is not screened in production either', async () => {
  await simulateRun(scenario('reject', 'US-CA'), async (run) => {
    await postPayments(run, [payment('PAY-1', 90000)]);
    const { byType } = await effects(run);
    expect(byType('notice')[0]).toMatchObject({ status: 'sent' });
    expect(byType('payment_refused')).toEqual([]);
    expect(byType('receipt')).toEqual([]);
  });
});
