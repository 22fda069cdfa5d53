import { PolicyDocument } from '@arrears/shared';
import type { EngineEvent } from './decide.ts';
import type { Hold, LeaseFacts } from './facts.ts';
import { EngineHarness, leaseFacts, rent } from './testing/facts-fixture.ts';

// Reg F 1006.34: a debt collector's first communication brings the validation notice with it.

const policy = PolicyDocument.parse({
  id: 'validation',
  name: 'validation',
  reminders: [{ id: 'pre-due', days_before_due: 3, channel: 'email' }],
  levels: [{ id: 'L1', days: { min: 5 }, steps: [{ id: 'l1-email', day: 5, at: '09:00', action: 'email' }] }],
  late_fees: { enabled: false },
});

const agent = { id: 'agent-1', role: 'agent' as const };
const callRequest = (id: string): Partial<EngineEvent> =>
  ({ type: 'request', request: { id, action: 'call' }, actor: agent }) as Partial<EngineEvent>;

function facts(today: string, lease: Partial<LeaseFacts['lease']> = {}, org: Partial<LeaseFacts['org']> = {}) {
  const base = leaseFacts(today, { open_charges: [rent('2026-03-01')] });
  return { ...base, lease: { ...base.lease, ...lease }, org: { ...base.org, ...org } };
}

test("an agency's first automated step schedules the validation notice for the same instant, by letter", () => {
  const engine = new EngineHarness(policy);
  engine.evaluate(facts('2026-03-06', { collector: 'agency' }));
  const [email] = engine.ofType('email');
  const notices = engine.ofType('notice');
  expect(notices).toHaveLength(1);
  expect(notices[0]).toMatchObject({
    key: 'L:validation-notice',
    status: 'scheduled',
    due_at: email!.due_at,
    rule: { id: 'US/validation-notice@2021-11-30', citation: '12 CFR 1006.34' },
    payload: { notice: 'validation', channels: ['letter'], with: email!.key },
  });
});

test('it is sent once: later communications, and a validation notice already on record, add none', () => {
  const engine = new EngineHarness(policy);
  engine.evaluate(facts('2026-03-06', { collector: 'third_party_manager' }), '00:00', callRequest('C1'));
  expect(engine.ofType('notice')).toHaveLength(1);
  engine.sendAll();
  engine.evaluate(facts('2026-03-06', { collector: 'third_party_manager' }), '10:00', callRequest('C2'));
  engine.evaluate(facts('2026-03-07', { collector: 'third_party_manager' }));
  expect(engine.ofType('call')).toHaveLength(2);
  expect(engine.ofType('notice')).toHaveLength(1);

  // An agent who served one by request first: nothing is added to the calls after it.
  const requested = new EngineHarness(policy);
  requested.evaluate(facts('2026-03-03', { collector: 'attorney' }), '09:00', {
    type: 'request',
    request: { id: 'VAL', action: 'notice', notice: 'validation' },
    actor: agent,
  } as Partial<EngineEvent>);
  requested.sendAll();
  requested.evaluate(facts('2026-03-04', { collector: 'attorney' }), '09:00', callRequest('C1'));
  expect(requested.ofType('notice').map((n) => n.key)).toEqual(['L:request:VAL']);
});

test('no validation notice for a landlord collecting its own rent, a commercial debt, or a rent reminder', () => {
  const landlord = new EngineHarness(policy);
  // Reg F's contact guards for everyone do not make a landlord a debt collector.
  landlord.evaluate(facts('2026-03-06', {}, { reg_f_for_all: true }), '00:00', callRequest('C1'));
  landlord.evaluate(facts('2026-03-06', {}, { reg_f_for_all: true }));
  expect(landlord.ofType('call')).toHaveLength(1);
  expect(landlord.ofType('notice')).toHaveLength(0);

  const commercial = new EngineHarness(policy);
  commercial.evaluate(facts('2026-03-06', { collector: 'agency', kind: 'commercial' }), '00:00', callRequest('C1'));
  expect(commercial.ofType('notice')).toHaveLength(0);

  // Nothing owed yet, only next month's reminder: not a communication about a debt.
  const reminder = new EngineHarness(policy);
  reminder.evaluate({ ...leaseFacts('2026-03-29'), lease: { ...leaseFacts('2026-03-29').lease, collector: 'agency' } });
  expect(reminder.ofType('email').map((e) => e.payload.reminder)).toEqual([true]);
  expect(reminder.ofType('notice')).toHaveLength(0);
});

test('a blocked contact brings no notice; the next contact that goes out does', () => {
  const engine = new EngineHarness(policy);
  // Scheduled effects only: a request refused by a bankruptcy stay is not a communication.
  const bankruptcy: Hold = {
    id: 'BK',
    kind: 'bankruptcy',
    status: 'active',
    starts_on: '2026-03-05',
    ends_on: null,
    terms: { chapter: 13 },
    created_by: 'counsel-1',
  };
  const stayed: LeaseFacts = { ...facts('2026-03-06', { collector: 'agency' }), holds: [bankruptcy] };
  engine.evaluate(stayed, '10:00', callRequest('C1'));
  expect(engine.ofType('call')).toMatchObject([{ status: 'blocked', reason: 'bankruptcy_stay' }]);
  expect(engine.ofType('notice')).toHaveLength(0);
  engine.evaluate(facts('2026-03-07', { collector: 'agency' }), '10:00', callRequest('C2'));
  expect(engine.ofType('notice')).toMatchObject([{ status: 'scheduled', payload: { with: 'L:request:C2' } }]);
});
