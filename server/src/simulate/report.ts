import { verifyAuditChain } from '../audit/verify.ts';
import { loadFacts } from '../escalation/facts.ts';
import { activeHolds, disputedCents } from '../engine/holds.ts';
import { LEGAL_NOTICES } from '../engine/notices.ts';
import { formatZoned, zonedInstant } from '../time/zoned.ts';
import { SIM_ORG, type SimulationRun } from './run.ts';

export interface SimulationReport {
  actions: Record<string, unknown>[];
  levels: { at: string; lease: string; level: string; days_past_due: number; balance_cents: number }[];
  final: Record<string, Record<string, unknown>>;
  audit: { entries: number; verified: boolean };
}

/** Fields of an effect's payload that belong in the public output, in a fixed order. */
const PUBLIC_FIELDS = [
  'amount_cents',
  'reverses',
  'notice',
  'notice_id',
  'template',
  'channel',
  'channels',
  'amount_demanded_cents',
  'served_on',
  'expires_on',
  'earliest_next_step_on',
  'tracking_number',
  'flag',
  'hold',
  'kind',
  'starts_on',
  'ends_on',
  'resumes_on',
  'action',
  'earliest_on',
  'approved_by',
  'target',
  'also',
  'recipients',
  'event',
  'message',
  'balance_after_cents',
  'content_sha256',
  'consolidated',
  'consolidated_into',
] as const;

/** The `--json` object of scenario-format.md: deterministic, ids included. */
export async function buildReport(run: SimulationRun): Promise<SimulationReport> {
  const { db, scenario } = run;
  const zoneOf = new Map(
    scenario.leases.map((l) => [l.id, scenario.properties.find((p) => p.id === l.property)!.timezone]),
  );
  const endOf = (lease: string) => zonedInstant(scenario.end, '23:59', zoneOf.get(lease)!);
  return db
    .withOrg(SIM_ORG, async (trx) => {
      const effects = await trx('effects')
        .where({ org_id: SIM_ORG })
        .orderBy([{ column: 'due_at' }, { column: 'seq' }]);
      const actions = effects.map((e) => {
        const zone = zoneOf.get(e.lease_id)!;
        const payload = e.payload as Record<string, unknown>;
        const out: Record<string, unknown> = {
          id: e.key,
          at: formatZoned(new Date(e.due_at), zone),
          lease: e.lease_id,
          type: e.type,
          status: e.status,
        };
        if (e.step_id) out.step = e.step_id;
        if (e.request_id) out.request = e.request_id;
        for (const field of PUBLIC_FIELDS) {
          const value =
            field === 'content_sha256'
              ? (payload.delivery as { content_sha256?: string } | undefined)?.content_sha256
              : payload[field];
          if (value !== undefined && value !== null) out[field] = value;
        }
        if (e.type === 'notice' && Array.isArray(payload.channels) && !out.channel)
          out.channel = (payload.channels as string[])[0];
        if (e.reason) out.reason = e.reason;
        const rule = e.rule ?? payload.rule;
        if (rule) out.rule = rule;
        if (e.decided_by) out.decided_by = e.decided_by;
        return out;
      });
      const events = await trx('case_events').where({ org_id: SIM_ORG, type: 'level_changed' }).orderBy('id');
      const levels = events.map((e) => ({
        at: formatZoned(new Date(e.at), zoneOf.get(e.case_id)!),
        lease: e.case_id as string,
        level: e.data.to as string,
        days_past_due: e.data.days_past_due as number,
        balance_cents: e.data.balance_cents as number,
      }));
      const final: SimulationReport['final'] = {};
      for (const lease of scenario.leases) {
        const facts = await loadFacts(trx, SIM_ORG, lease.id, endOf(lease.id));
        const track = await trx('cases').where({ org_id: SIM_ORG, id: lease.id }).first('level', 'state');
        const next = (track?.state as { next_action?: unknown } | null)?.next_action ?? null;
        final[lease.id] = {
          level: track?.level ?? 'current',
          balance_cents: facts.balance_cents,
          disputed_cents: disputedCents(facts),
          holds: activeHolds(facts, facts.today).map((h) => ({
            id: h.id,
            kind: h.kind,
            status: h.status,
            ...(h.ends_on ? { until: h.ends_on } : {}),
          })),
          next_action: next,
        };
      }
      return { actions, levels, final, audit: { entries: 0, verified: false } };
    })
    .then(async (report) => {
      const verification = await verifyAuditChain(db, SIM_ORG);
      report.audit = { entries: verification.entries, verified: verification.ok };
      return report;
    });
}

// The sign goes before the dollar sign (-$500.00), as people write a credit balance.
const money = (cents: number) => `${cents < 0 ? '-' : ''}$${(Math.abs(cents) / 100).toFixed(2)}`;

/** The readable timeline: one line per action, grouped by lease, then levels and the final state. */
export function formatTimeline(report: SimulationReport): string {
  const lines: string[] = [];
  for (const lease of Object.keys(report.final)) {
    const final = report.final[lease]!;
    lines.push(`Lease ${lease}`);
    const rows = [
      ...report.levels
        .filter((l) => l.lease === lease)
        .map((l) => ({
          at: l.at,
          text: `level ${l.level} (${l.days_past_due} day${l.days_past_due === 1 ? '' : 's'} past due, ${money(l.balance_cents)})`,
        })),
      ...report.actions
        .filter((a) => a.lease === lease)
        .map((a) => {
          const parts = [String(a.type), String(a.status)];
          if (a.notice) parts.push(String(a.notice));
          else if (a.type === 'approval_request' && a.action) parts.push(String(a.action));
          if (typeof a.amount_cents === 'number') parts.push(money(a.amount_cents));
          // Only a legal notice demands; the others (validation, rent-not-received) state the debt.
          const informs = typeof a.notice === 'string' && !(LEGAL_NOTICES as readonly string[]).includes(a.notice);
          if (typeof a.amount_demanded_cents === 'number')
            parts.push(`${informs ? 'states' : 'demands'} ${money(a.amount_demanded_cents)}`);
          // A validation notice opens a dispute period; one that only informs otherwise ends the day
          // it is served (expires_on = served_on), and "expires" would read as a deadline to pay.
          if (a.notice === 'validation' && a.expires_on) parts.push(`validation period ends ${String(a.expires_on)}`);
          else if (a.expires_on && !(informs && a.expires_on === a.served_on))
            parts.push(`expires ${String(a.expires_on)}`);
          if (a.reason) parts.push(`reason ${String(a.reason)}`);
          if (a.rule) parts.push(`[${(a.rule as { citation: string }).citation}]`);
          if (a.request) parts.push(`request ${String(a.request)}`);
          return { at: String(a.at), text: parts.join('  ') };
        }),
    ];
    // Both lists are in time order already; a stable merge keeps levels before same-instant actions.
    // By instant, not wall clock: when clocks fall back, 01:10 PST comes after 01:50 PDT.
    rows.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    for (const row of rows) lines.push(`  ${row.at.slice(0, 16).replace('T', ' ')}  ${row.text}`);
    const next = final.next_action as { type: string; on: string } | null;
    lines.push(
      `  final: ${String(final.level)}, balance ${money(Number(final.balance_cents))}` +
        (Number(final.disputed_cents) ? `, disputed ${money(Number(final.disputed_cents))}` : '') +
        ((final.holds as unknown[]).length
          ? `, holds ${(final.holds as { id: string; kind: string }[]).map((h) => `${h.id} (${h.kind})`).join(', ')}`
          : '') +
        (next ? `, next ${next.type} on ${next.on}` : ''),
    );
    lines.push('');
  }
  lines.push(`audit: ${report.audit.entries} entries, chain ${report.audit.verified ? 'verified' : 'BROKEN'}`);
  return `${lines.join('\n')}\n`;
}
