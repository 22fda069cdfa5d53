import type { Scenario, ScenarioEvent, UserRole } from '@arrears/shared';
import { openDatabase, type Database } from '../db/database.ts';
import type { ContactGuard } from '../engine/dispatch.ts';
import type { Actor } from '../engine/facts.ts';
import { dispatchEffect, earliestScheduledEffect } from '../escalation/dispatch.ts';
import { changesTheDecision } from '../escalation/follow-up.ts';
import { evaluateLease, evaluateLeasesIn, type EscalationScope, type EvaluationInput } from '../escalation/evaluate.ts';
import { screenPartialPayment } from '../escalation/partial-payments.ts';
import * as signals from '../escalation/signals.ts';
import { ingestLedgerEvents } from '../ledger/ingest.ts';
import { addCalendarDays, localDate, zonedInstant } from '../time/zoned.ts';
import { decideHoldApproval, enterHold, releaseHold } from '../escalation/holds.ts';
import { approvalTarget } from '../escalation/approval-target.ts';
import { depositCredit, LedgerDeliveries, ledgerRecord } from './ledger-events.ts';
import { policyForKind } from './policy-for-kind.ts';
import { classifyReply } from './replies.ts';
import { SIM_ORG, embeddedConfig, seedScenario, simulationImage } from './seed.ts';
import { sandboxPorts } from '../providers/sandbox/sandbox.ts';
export { SIM_ORG } from './seed.ts';

export interface SimulationRun {
  db: Database;
  scenario: Scenario;
  policyId: string;
  close(): Promise<void>;
}

interface TimelineItem {
  at: Date;
  order: number;
  event?: ScenarioEvent;
  daily?: { lease: string };
}

/**
 * Runs a scenario through the production path: ledger ingest, `evaluateLease`, `dispatchEffect`,
 * hold and signal recording, all on a throwaway embedded database, with the clock moved from
 * one instant to the next (events, each lease's local midnight, each effect's due time).
 */
export interface SimulationProgress {
  /** Timeline items (inputs and lease-days) worked through, of `total`. */
  done: number;
  total: number;
  /** The local day (of the item's lease) reached. */
  day: string;
}

export async function runScenario(
  scenario: Scenario,
  guard: ContactGuard,
  onProgress?: (progress: SimulationProgress) => void,
): Promise<SimulationRun> {
  const db = await openDatabase(embeddedConfig(), { inMemory: { image: await simulationImage() }, migrate: false });
  const close = () => db.close();
  try {
    // The portfolio exists from the earliest first midnight of any property (Guam's comes
    // before Honolulu's): consents and the policy are in place before the first event.
    const startedAt = new Date(
      Math.min(...scenario.properties.map((p) => zonedInstant(scenario.start, '00:00', p.timezone).getTime())),
    );
    const policyId = await seedScenario(db, scenario, startedAt);
    const sim = new Simulation(db, scenario, policyId, guard);
    await sim.run(onProgress);
    return { db, scenario, policyId, close };
  } catch (error) {
    await close();
    throw error;
  }
}

class Simulation {
  private readonly zoneOf = new Map<string, string>();
  private readonly wakeOn = new Map<string, string | null>();
  /** When the earliest scheduled effect is due (ms; Infinity: none); undefined once anything may have changed it. */
  private nextDue: number | undefined;
  /** Leases each hold id and each request id is used on (ids are unique per lease). */
  private readonly holdLeases = new Map<string, Set<string>>();
  private readonly requestLeases = new Map<string, Set<string>>();
  private readonly deliveries = new LedgerDeliveries();
  private readonly roles: Map<string, UserRole>;
  private readonly scope: EscalationScope;
  private readonly db: Database;
  private readonly s: Scenario;
  private readonly guard: ContactGuard;
  private readonly ports = sandboxPorts();

  constructor(db: Database, s: Scenario, policyId: string, guard: ContactGuard) {
    this.db = db;
    this.s = s;
    this.guard = guard;
    const zones = new Map(s.properties.map((p) => [p.id, p.timezone]));
    for (const lease of s.leases) this.zoneOf.set(lease.id, zones.get(lease.property)!);
    for (const e of s.events)
      if (e.type === 'hold' || e.type === 'request') {
        const ids = e.type === 'hold' ? this.holdLeases : this.requestLeases;
        ids.set(e.id, (ids.get(e.id) ?? new Set()).add(e.lease));
      }
    this.roles = new Map(s.users.map((u) => [u.id, u.role]));
    this.scope = { db, orgId: SIM_ORG, policyFor: (kind) => ({ id: policyForKind(s, policyId, kind) }) };
  }

  async run(onProgress?: (progress: SimulationProgress) => void): Promise<void> {
    const items: TimelineItem[] = this.s.events.map((event, order) => ({ at: this.instantOf(event), order, event }));
    for (const lease of this.s.leases)
      for (let day = this.s.start; day <= this.s.end; day = addCalendarDays(day, 1))
        items.push({
          at: zonedInstant(day, '00:00', this.zoneOf.get(lease.id)!),
          order: this.s.events.length,
          daily: { lease: lease.id },
        });
    // Stable: by instant, inputs before the scheduled scan at the same instant, then file order.
    items.sort((a, b) => a.at.getTime() - b.at.getTime() || a.order - b.order);
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      await this.dispatchUntil(item.at);
      if (item.daily) {
        // Every lease whose local midnight is this instant (a property's zone) is scanned in one
        // transaction, as the runner evaluates a batch: one commit instead of one per lease.
        const group = [item.daily.lease];
        for (let next = items[i + 1]; next?.daily && next.at.getTime() === item.at.getTime(); next = items[i + 1]) {
          group.push(next.daily.lease);
          i++;
        }
        // The scheduled scan skips leases that told the engine nothing can happen before a later day.
        const due = group.filter((lease) => {
          const wake = this.wakeOn.get(lease);
          return wake !== null && (wake === undefined || wake <= localDate(item.at, this.zoneOf.get(lease)!));
        });
        if (due.length > 0) await this.scan(due, item.at);
      } else await this.apply(item.event!, item.at);
      if (onProgress) {
        const lease = item.daily?.lease ?? this.leaseOf(item.event!);
        onProgress({ done: i + 1, total: items.length, day: localDate(item.at, this.zoneOf.get(lease)!) });
      }
    }
    const ends = this.s.leases.map(
      (l) => zonedInstant(addCalendarDays(this.s.end, 1), '00:00', this.zoneOf.get(l.id)!).getTime() - 1,
    );
    await this.dispatchUntil(new Date(Math.max(...ends)));
  }

  private instantOf(event: ScenarioEvent): Date {
    if (event.at.length > 10) return new Date(event.at);
    return zonedInstant(event.at, '00:00', this.zoneOf.get(this.leaseOf(event))!);
  }

  private leaseOf(event: ScenarioEvent): string {
    if ('lease' in event && event.lease !== undefined) return event.lease;
    const first = (ids: Set<string> | undefined) => (ids ? [...ids][0] : undefined);
    if (event.type === 'hold_release') return first(this.holdLeases.get(event.hold))!;
    if (event.type !== 'approval') return this.s.leases[0]!.id;
    const ref = event.request;
    return (
      first(this.requestLeases.get(ref)) ??
      first(this.holdLeases.get(ref)) ??
      this.s.leases.find((l) => ref.startsWith(`${l.id}:`))?.id ??
      this.s.leases[0]!.id
    );
  }

  /**
   * The id a hold is stored under. Hold ids are unique per lease but the holds table's are per
   * org, so an id two leases share is stored as `lease/id` (else the second hold is never made).
   */
  private holdId(lease: string, id: string): string {
    return (this.holdLeases.get(id)?.size ?? 0) > 1 ? `${lease}/${id}` : id;
  }

  private actor(id: string): Actor {
    return { id, role: this.roles.get(id) ?? 'agent' };
  }

  private async evaluate(lease: string, input: EvaluationInput, now: Date, actor: Actor | typeof SYSTEM) {
    this.nextDue = undefined;
    const evaluation = await evaluateLease(this.scope, lease, input, now, actor);
    this.wakeOn.set(lease, evaluation.wake_on);
    return evaluation;
  }

  /** The scheduled scan of `leases` at `now`, in one transaction. */
  private async scan(leases: readonly string[], now: Date): Promise<void> {
    this.nextDue = undefined;
    const input = { type: 'evaluate', cause: 'schedule' } as const;
    const decided = await this.db.withOrg(SIM_ORG, (trx) =>
      evaluateLeasesIn(
        trx,
        this.scope,
        leases.map((leaseId) => ({ leaseId, input })),
        now,
        SYSTEM,
      ),
    );
    for (const lease of leases) this.wakeOn.set(lease, decided.get(lease)!.wake_on);
  }

  /** Works through every effect due by `at`, each at its own instant, re-evaluating after a change. */
  private async dispatchUntil(at: Date): Promise<void> {
    for (;;) {
      // Most lease-days change nothing (the lease sleeps until its wake day): nothing new can
      // be due, and the earliest scheduled effect found last time still comes after `at`.
      if (this.nextDue !== undefined && this.nextDue > at.getTime()) return;
      const next = await earliestScheduledEffect(this.db, SIM_ORG);
      this.nextDue = next ? new Date(next.due_at).getTime() : Number.POSITIVE_INFINITY;
      if (!next || this.nextDue > at.getTime()) return;
      this.nextDue = undefined;
      const now = new Date(next.due_at);
      const done = await dispatchEffect(
        { db: this.db, orgId: SIM_ORG, guard: this.guard, ports: this.ports },
        next.key,
        now,
      );
      if (done && done.status !== 'deferred' && done.status !== 'not_due') {
        // As the runner: the lease again only when the outcome can change its decision.
        const leases = changesTheDecision(done.type, done.status) ? [done.lease_id] : [];
        for (const lease of [...leases, ...(done.consolidated_leases ?? [])])
          await this.evaluate(lease, { type: 'evaluate', cause: 'dispatch' }, now, SYSTEM);
      }
    }
  }

  private ctx<T>(lease: string, now: Date, fn: (ctx: signals.SignalContext) => Promise<T>): Promise<T> {
    return this.db.withOrg(SIM_ORG, (trx) =>
      fn({ trx, orgId: SIM_ORG, leaseId: lease, now, timezone: this.zoneOf.get(lease)! }),
    );
  }

  private async apply(event: ScenarioEvent, now: Date): Promise<void> {
    // Any input may schedule an effect (a hold's CRM flag, an approval, a ledger event).
    this.nextDue = undefined;
    const lease = this.leaseOf(event);
    const zone = this.zoneOf.get(lease)!;
    const today = localDate(now, zone);
    const firstDay = (value: Record<string, unknown>) => this.deliveries.firstDay(value);
    const ledger = async (value: Record<string, unknown>) => {
      const day = firstDay(value) ?? today;
      this.deliveries.delivered(value, day);
      const result = await ingestLedgerEvents(
        this.db,
        { orgId: SIM_ORG, source: 'scenario', actor: 'system:ledger', now },
        [{ row: 1, value: { lease_id: lease, effective_on: day, ...value } }],
      );
      // A refused ledger event (a conflicting re-delivery, a reversal of an unknown payment) is
      // not an input error: it is what the product did, so it shows as a blocked action.
      for (const rejection of result.rejected)
        await this.ctx(lease, now, (ctx) =>
          signals.recordEffect(
            ctx,
            `${lease}:ledger:${String(value.external_id)}:${now.toISOString()}`,
            'ledger_event',
            'blocked',
            'system:ledger',
            { kind: value.kind, event: String(value.external_id).split('/').pop(), message: rejection.message },
            { reason: rejection.code },
          ),
        );
    };
    switch (event.type) {
      case 'charge':
      case 'credit':
      case 'write_off':
      case 'reversal': {
        const first = firstDay(ledgerRecord(event, lease, today));
        await ledger(ledgerRecord(event, lease, first ?? today));
        break;
      }
      case 'payment': {
        const record = ledgerRecord(event, lease, today);
        const first = firstDay(record);
        // Delivered before: refused then (stays refused), or the ledger tells duplicate from conflict.
        if (first === null) break;
        if (first !== undefined) {
          await ledger(record);
          break;
        }
        // A refusal keeps the payment off the ledger (as a portal refuses it); accepted, it is
        // screened by ingest like any payment the accounting system sends.
        const post =
          this.s.org.partial_payment_after_notice !== 'reject' ||
          (await this.db.withOrg(SIM_ORG, (trx) =>
            screenPartialPayment(
              trx,
              SIM_ORG,
              lease,
              { external_id: String(record.external_id), amount_cents: event.amount_cents },
              'reject',
              'system:ledger',
              now,
            ),
          ));
        if (post) await ledger(record);
        else this.deliveries.delivered(record, null);
        break;
      }
      case 'move_out':
        await this.db.withOrg(SIM_ORG, (trx) =>
          trx('leases').where({ org_id: SIM_ORG, id: lease }).update({ moved_out_on: today, status: 'moved_out' }),
        );
        if (event.deposit_applied_cents > 0) await ledger(depositCredit(lease, event.deposit_applied_cents));
        break;
      case 'hold':
        await this.ctx(lease, now, (ctx) => enterHold(ctx, event, this.holdId(lease, event.id), today));
        break;
      case 'hold_release':
        await this.ctx(lease, now, (ctx) =>
          releaseHold(ctx, event, this.holdId(lease, event.hold), this.actor(event.by), today),
        );
        break;
      case 'flag':
        await this.ctx(lease, now, (ctx) => signals.recordFlag(ctx, this.actor(event.by), event.reason));
        break;
      case 'status':
        await this.ctx(lease, now, (ctx) => signals.recordStatus(ctx, event.status, 'crm:workflow'));
        break;
      case 'conversation':
        await this.ctx(lease, now, (ctx) => signals.recordConversation(ctx, event.channel, 'agent'));
        break;
      case 'delivery_failed':
        await this.ctx(lease, now, (ctx) => signals.recordDeliveryFailure(ctx, event.channel));
        break;
      case 'inbound': {
        const kind = classifyReply(event.body);
        const tenants = this.s.leases.find((l) => l.id === lease)!.tenants.map((t) => t.id);
        await this.ctx(lease, now, async (ctx) => {
          if (kind === 'opt_out') await signals.recordOptOut(ctx, event.channel, tenants);
          else if (kind === 'help') await signals.recordHelpRequest(ctx, event.channel, event.body);
          else await signals.recordReply(ctx, event.channel, event.body);
        });
        break;
      }
      case 'request':
        await this.evaluate(
          lease,
          {
            type: 'request',
            request: {
              id: event.id,
              action: event.action,
              ...(event.notice ? { notice: event.notice } : {}),
              ...(event.channel ? { channel: event.channel } : {}),
            },
            actor: this.actor(event.by),
          },
          now,
          this.actor(event.by),
        );
        return;
      case 'approval': {
        const target = await this.db.withOrg(SIM_ORG, (trx) =>
          approvalTarget(trx, SIM_ORG, lease, event.request, this.holdId(lease, event.request)),
        );
        if (target?.type === 'hold') {
          await this.approveHold(lease, target.key, event, now);
          break;
        }
        await this.evaluate(
          lease,
          {
            type: 'approval',
            target: target?.key ?? event.request,
            decision: event.decision,
            actor: this.actor(event.by),
            ...(event.reason ? { reason: event.reason } : {}),
          },
          now,
          this.actor(event.by),
        );
        return;
      }
      default: {
        const never: never = event;
        throw new Error(`unknown event ${JSON.stringify(never)}`);
      }
    }
    await this.evaluate(
      lease,
      { type: 'evaluate', cause: event.type },
      now,
      event.type === 'flag' || event.type === 'hold' || event.type === 'hold_release' ? this.actor(event.by) : SYSTEM,
    );
  }

  private async approveHold(
    lease: string,
    key: string,
    event: Extract<ScenarioEvent, { type: 'approval' }>,
    now: Date,
  ) {
    const actor = this.actor(event.by);
    await this.ctx(lease, now, (ctx) => decideHoldApproval(ctx, key, event, actor));
    await this.evaluate(lease, { type: 'evaluate', cause: 'hold_approval' }, now, actor);
  }
}

const SYSTEM = { id: 'system:engine', role: 'system' as const };
