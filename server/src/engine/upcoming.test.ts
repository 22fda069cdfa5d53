import { PolicyDocument } from '@arrears/shared';
import type { Hold, LeaseFacts } from './facts.ts';
import { EngineHarness, leaseFacts, rent } from './testing/facts-fixture.ts';

const policy = PolicyDocument.parse({
  id: 'upcoming',
  name: 'upcoming',
  levels: [
    { id: 'L1', days: { min: 1 }, steps: [{ id: 'l1-email', day: 2, action: 'email' }] },
    {
      id: 'L2',
      days: { min: 10 },
      steps: [
        { id: 'l2-placement', day: 20, action: 'placement' },
        { id: 'l2-letter', day: 25, action: 'letter' },
      ],
    },
  ],
  late_fees: { enabled: false },
});

const hold = (kind: Hold['kind']): Hold => ({
  id: kind,
  kind,
  status: 'active',
  starts_on: '2026-03-10',
  ends_on: null,
  terms: kind === 'bankruptcy' ? { chapter: 13 } : {},
  created_by: 'counsel-1',
});

function next(holds: Hold[]) {
  const facts: LeaseFacts = { ...leaseFacts('2026-03-15', { open_charges: [rent('2026-03-01')] }), holds };
  return new EngineHarness(policy).evaluate(facts).next_action;
}

test('the next action is the next policy step not yet on record', () => {
  expect(next([])).toEqual({ type: 'placement', on: '2026-03-21' });
});

test('a bankruptcy stay or a deceased hold leaves no next action; an SCRA hold skips the legal steps', () => {
  expect(next([hold('bankruptcy')])).toBeNull();
  expect(next([hold('deceased')])).toBeNull();
  expect(next([hold('scra')])).toEqual({ type: 'letter', on: '2026-03-26' });
});

test('a step of a level the balance rules out is never the next action', () => {
  const handOff = PolicyDocument.parse({
    ...policy,
    id: 'hand-off',
    levels: [
      policy.levels[0],
      {
        id: 'L2',
        days: { min: 10 },
        balance_cents: { min: 25_000 },
        steps: [{ id: 'placement', day: 20, action: 'placement' }],
      },
    ],
  });
  const at = (open_cents: number) =>
    new EngineHarness(handOff).evaluate(leaseFacts('2026-03-15', { open_charges: [rent('2026-03-01', open_cents)] }))
      .next_action;
  expect(at(7_500)).toBeNull();
  expect(at(25_000)).toEqual({ type: 'placement', on: '2026-03-21' });
});
