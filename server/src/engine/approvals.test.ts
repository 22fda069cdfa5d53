import { PolicyDocument } from '@arrears/shared';
import type { EngineEvent } from './decide.ts';
import type { Actor, LeaseFacts } from './facts.ts';
import { EngineHarness, leaseFacts, rent } from './testing/facts-fixture.ts';

const policy = PolicyDocument.parse({
  id: 'approvals',
  name: 'approvals',
  levels: [{ id: 'L1', days: { min: 1 } }],
  late_fees: { enabled: false },
});

const AGENT: Actor = { id: 'agent-1', role: 'agent' };
const MANAGER: Actor = { id: 'manager-1', role: 'manager' };
const COUNSEL: Actor = { id: 'counsel-1', role: 'counsel' };

/** A Texas notice to vacate under the 2026 rule version, which is unverified: counsel must approve. */
function counselDraft() {
  const engine = new EngineHarness(policy);
  const base = leaseFacts('2026-03-10', { open_charges: [rent('2026-03-01')] });
  const facts: LeaseFacts = {
    ...base,
    property: { ...base.property, jurisdiction: 'US-TX', timezone: 'America/Chicago' },
  };
  engine.evaluate(facts, '10:00', {
    type: 'request',
    request: { id: 'NTV', action: 'notice', notice: 'notice_to_vacate' },
    actor: AGENT,
  } as Partial<EngineEvent>);
  const draft = engine.effects.get('L:request:NTV')!;
  expect(draft).toMatchObject({ type: 'approval_request', status: 'awaiting_approval' });
  expect(draft.payload.approver).toBe('counsel');
  const decide = (actor: Actor, decision: 'approve' | 'reject', time: string) =>
    engine.evaluate(facts, time, {
      type: 'approval',
      target: 'L:request:NTV',
      decision,
      actor,
      reason: 'talk to the tenant first',
    } as Partial<EngineEvent>);
  return { engine, decide };
}

test('only counsel approves a draft an unverified rule governs', () => {
  const { engine, decide } = counselDraft();
  decide(MANAGER, 'approve', '11:00');
  expect(engine.ofType('approval')).toMatchObject([{ status: 'blocked', reason: 'counsel_approval_required' }]);
  expect(engine.effects.get('L:request:NTV')?.status).toBe('awaiting_approval');
  decide(COUNSEL, 'approve', '12:00');
  expect(engine.effects.get('L:request:NTV')?.status).toBe('approved');
  expect(engine.ofType('notice')).toMatchObject([{ status: 'scheduled' }]);
});

test('a manager may reject it (a rejection sends nothing); an agent may not', () => {
  const { engine, decide } = counselDraft();
  decide({ id: 'agent-2', role: 'agent' }, 'reject', '11:00');
  expect(engine.ofType('approval')).toMatchObject([{ status: 'blocked', reason: 'role_not_permitted' }]);
  decide(MANAGER, 'reject', '12:00');
  expect(engine.effects.get('L:request:NTV')).toMatchObject({ status: 'rejected', reason: 'talk to the tenant first' });
  expect(engine.ofType('notice')).toEqual([]);
});
