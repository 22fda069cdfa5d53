import { instantMs } from './days.ts';
import type { Hold, LeaseFacts } from './facts.ts';
import { feeHeldOn } from './fees.ts';
import { revisitKept } from './hold-rules.ts';
import { FIXTURE_TZ, leaseFacts, rent } from './testing/facts-fixture.ts';

// A promise is kept only by money that stays paid; a fee is not owed for a day whose fee time a
// hold covered, also on the day the hold ends.

const promise = (over: Partial<Hold> = {}): Hold => ({
  id: 'PTP',
  kind: 'promise_to_pay',
  status: 'kept',
  starts_on: '2026-04-08',
  // Kept on Apr 13: the hold ended the day before.
  ends_on: '2026-04-12',
  terms: { promises: [{ by: '2026-04-15', amount_cents: 100_000 }] },
  created_by: 'agent-1',
  ...over,
});

type Credit = LeaseFacts['credits'][number];
const paid = (id: string, on: string, amount_cents = 100_000): Credit => ({
  external_id: id,
  kind: 'payment',
  amount_cents,
  effective_on: on,
});
const returned = (id: string, on: string, of: string): Credit => ({
  external_id: id,
  kind: 'reversal',
  amount_cents: 100_000,
  effective_on: on,
  reverses: of,
  reason: 'nsf',
});

const facts = (today: string, credits: Credit[], balance = 210_000) =>
  leaseFacts(today, { open_charges: [rent('2026-04-01', balance)], credits, balance_cents: balance });

describe('revisitKept', () => {
  test('the payment that kept the promise returned before its date: broken, payment_returned, its end unchanged', () => {
    const outcome = revisitKept(
      promise(),
      facts('2026-04-14', [paid('PX', '2026-04-13'), returned('NSFX', '2026-04-14', 'PX')]),
    );
    expect(outcome).toMatchObject({ status: 'broken', on: '2026-04-13', reason: 'payment_returned' });
  });

  test('returned after the promise date: broken too (it was never paid)', () => {
    const outcome = revisitKept(
      promise(),
      facts('2026-04-28', [paid('PX', '2026-04-13'), returned('NSFX', '2026-04-28', 'PX')]),
    );
    expect(outcome).toMatchObject({ status: 'broken', reason: 'payment_returned' });
  });

  test('no return, or the money that stays paid still keeps it, or nothing is owed: stays kept', () => {
    expect(revisitKept(promise(), facts('2026-04-14', [paid('PX', '2026-04-13')]))).toBeNull();
    // Two payments on the kept day, one returned: the other still pays what was promised.
    const twice = [paid('PX', '2026-04-13'), paid('PX2', '2026-04-13'), returned('NSFX', '2026-04-14', 'PX')];
    expect(revisitKept(promise(), facts('2026-04-14', twice))).toBeNull();
    // A payment made after the promise was kept is not what kept it.
    const later = [paid('PX', '2026-04-13'), paid('PL', '2026-04-20'), returned('NSFL', '2026-04-22', 'PL')];
    expect(revisitKept(promise(), facts('2026-04-22', later))).toBeNull();
    const settled = [paid('PX', '2026-04-13'), returned('NSFX', '2026-04-14', 'PX')];
    expect(revisitKept(promise(), facts('2026-04-14', settled, 0))).toBeNull();
  });

  test('a plan kept early whose first installment was paid by money later returned: broken', () => {
    const plan = promise({
      kind: 'payment_plan',
      ends_on: '2026-04-28',
      terms: {
        installments: [
          { by: '2026-04-15', amount_cents: 100_000 },
          { by: '2026-04-30', amount_cents: 100_000 },
        ],
      },
      status: 'kept',
    });
    // Apr 14 $1,000 (returned May 2) and Apr 29 $2,000: the whole by the kept day, but the first
    // installment was never paid by its date with money that stayed.
    const credits = [paid('P1', '2026-04-14'), paid('P2', '2026-04-29', 200_000), returned('R1', '2026-05-02', 'P1')];
    expect(revisitKept(plan, facts('2026-05-02', credits))).toMatchObject({ reason: 'payment_returned' });
  });

  test('only a kept promise or plan is revisited', () => {
    const credits = [paid('PX', '2026-04-13'), returned('NSFX', '2026-04-14', 'PX')];
    expect(revisitKept(promise({ status: 'broken' }), facts('2026-04-14', credits))).toBeNull();
    expect(revisitKept(promise({ status: 'active' }), facts('2026-04-14', credits))).toBeNull();
    expect(revisitKept(promise({ kind: 'payment_in_transit', terms: {} }), facts('2026-04-14', credits))).toBeNull();
  });
});

describe('feeHeldOn', () => {
  const at = (day: string, time: string) => instantMs(day, time, FIXTURE_TZ);
  const released = (endedAt: string): Hold => ({
    id: 'BK',
    kind: 'bankruptcy',
    status: 'released',
    starts_on: '2026-04-08',
    ends_on: '2026-04-11',
    ended_at: new Date(endedAt).toISOString(),
    terms: {},
    created_by: 'agent-1',
  });
  const held = (hold: Hold, day: string) => feeHeldOn([hold], day, '08:00', at);

  test('released at 10:00: the release day’s 08:00 fee was under the hold, the next day’s is not', () => {
    const hold = released('2026-04-12T10:00:00-07:00');
    expect(held(hold, '2026-04-07')).toBe(false);
    expect(held(hold, '2026-04-08')).toBe(true);
    expect(held(hold, '2026-04-11')).toBe(true);
    expect(held(hold, '2026-04-12')).toBe(true);
    expect(held(hold, '2026-04-13')).toBe(false);
  });

  test('released at 07:00, before the fee time: the release day’s fee is owed', () => {
    expect(held(released('2026-04-12T07:00:00-07:00'), '2026-04-12')).toBe(false);
  });

  test('an end found days later (a plan broken by a late return) covers nothing past its end date', () => {
    const broken: Hold = {
      ...released('2026-04-17T12:00:00-07:00'),
      kind: 'payment_plan',
      status: 'broken',
      ends_on: '2026-04-15',
    };
    expect(held(broken, '2026-04-15')).toBe(true);
    expect(held(broken, '2026-04-16')).toBe(false);
    expect(held(broken, '2026-04-17')).toBe(false);
    // Broken at midnight after its date: the next day's fee is owed.
    expect(held({ ...broken, ended_at: new Date('2026-04-16T00:00:00-07:00').toISOString() }, '2026-04-16')).toBe(
      false,
    );
  });

  test('dispute and scra never stop fees; a hold awaiting approval neither', () => {
    const hold = released('2026-04-12T10:00:00-07:00');
    expect(held({ ...hold, kind: 'scra' }, '2026-04-09')).toBe(false);
    expect(held({ ...hold, kind: 'dispute' }, '2026-04-09')).toBe(false);
    expect(held({ ...hold, kind: 'manual', status: 'awaiting_approval', ends_on: null }, '2026-04-09')).toBe(false);
    expect(held({ ...hold, kind: 'manual', status: 'active', ends_on: null }, '2026-04-30')).toBe(true);
  });
});
