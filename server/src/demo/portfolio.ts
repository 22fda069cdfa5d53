import { createRng, deriveSeed, type Rng } from './random.ts';
import {
  BUSINESSES,
  ELSEWHERE,
  ES_FIRST,
  ES_LAST,
  FIRST,
  LAST,
  lateFeeTerms,
  PROPERTIES,
  STREETS,
  unitLabel,
  USERS,
  type PropertySpec,
} from './catalog.ts';
import { archetypes, ascii, dateOf, monthOf, simulateLedger } from './history.ts';
import type { DemoConsent, DemoContactPoint, DemoLease, DemoLeaseTenant, DemoPortfolio } from './types.ts';

export type * from './types.ts';

export const DEMO_ORG_ID = 'demo';
const HISTORY_MONTHS = 18;

/** The lease's tenants with their contact points and per-channel consents. */
function addPeople(
  out: DemoPortfolio,
  spec: PropertySpec,
  lease: DemoLease,
  index: number,
  rng: Rng,
  phoneNo: () => number,
  to: number,
): void {
  const org_id = DEMO_ORG_ID;
  const parties: { role: DemoLeaseTenant['role']; business: boolean }[] = [
    { role: 'primary', business: spec.commercial },
  ];
  if (rng.chance(spec.commercial ? 0.6 : 0.1))
    parties.push({ role: spec.commercial ? 'guarantor' : 'co_signer', business: false });
  parties.forEach((party, n) => {
    const tenant_id = `${lease.id}-T${n + 1}`;
    const spanish = rng.chance(spec.spanish);
    const first = rng.pick(spanish ? ES_FIRST : FIRST);
    const last = rng.pick(spanish ? ES_LAST : LAST);
    const business = BUSINESSES[index % BUSINESSES.length]!;
    const name = party.business ? `${business} LLC` : `${first} ${last}`;
    // Co-signers live elsewhere; a few tenants keep a phone from another time zone.
    const away = party.role !== 'primary' || rng.chance(0.08) ? rng.pick(ELSEWHERE) : null;
    out.tenants.push({
      org_id,
      id: tenant_id,
      name,
      kind: party.business ? 'business' : 'individual',
      language: spanish ? 'es' : 'en',
      phone_timezone: away?.timezone ?? null,
    });
    out.lease_tenants.push({ org_id, lease_id: lease.id, tenant_id, role: party.role });
    const contact = (channel: DemoContactPoint['channel'], value: string) =>
      out.contact_points.push({ org_id, tenant_id, channel, value, is_primary: true });
    const email = rng.chance(0.9);
    if (email)
      contact(
        'email',
        party.business
          ? `billing@${ascii(business)}.example`
          : `${ascii(first)}.${ascii(last)}${rng.int(1, 99)}@example.com`,
      );
    const phone = rng.chance(0.95);
    if (phone) contact('phone', `+1${(away ?? spec).areaCode}555${String(phoneNo()).padStart(4, '0')}`);
    contact(
      'postal',
      away && party.role !== 'primary'
        ? `${rng.int(100, 9899)} ${rng.pick(STREETS)} St, ${away.city}`
        : `${spec.address[0]} ${spec.commercial ? 'Suite' : 'Apt'} ${lease.unit}, ${spec.address[1]}`,
    );

    const signedAt = `${lease.starts_on}T16:00:00.000Z`;
    const consent = (
      channel: DemoConsent['channel'],
      granted: boolean,
      source = 'lease_application',
      changed_at = signedAt,
    ) => out.tenant_consents.push({ org_id, tenant_id, channel, granted, source, changed_at });
    consent('email', email);
    const sms = phone && rng.chance(0.8);
    if (sms && rng.chance(0.06)) {
      const month = Math.max(monthOf(lease.starts_on) + 1, to - rng.int(1, 6));
      const at = new Date(
        Date.UTC(Math.floor(month / 12), month % 12, rng.int(1, 28), rng.int(14, 23), rng.int(0, 59)),
      );
      consent('sms', false, 'sms_stop', at.toISOString());
    } else consent('sms', sms);
    consent('voice', phone && rng.chance(0.9));
    consent('mail', true);
  });
}

/**
 * The demo portfolio as of `asOf`: 18 months of history ending in asOf's (UTC) month. The
 * simulation depends only on the seed and that month; asOf's day only cuts off what has not
 * happened yet (nothing is dated after it).
 */
export function generateDemoPortfolio(options: { seed: number; asOf: Date }): DemoPortfolio {
  const { seed } = options;
  const asOfDate = options.asOf.toISOString().slice(0, 10);
  const to = monthOf(asOfDate);
  const from = to - HISTORY_MONTHS + 1;
  const org_id = DEMO_ORG_ID;
  const out: DemoPortfolio = {
    // No settings, so no `payment_url`: the demo org has no real portal to send tenants to, and
    // its messages carry no payment link.
    org: { org_id, name: 'Harbor & Vine Residential' },
    users: USERS.map((u) => ({ org_id, ...u })),
    properties: [],
    leases: [],
    tenants: [],
    lease_tenants: [],
    contact_points: [],
    tenant_consents: [],
    events: [],
  };
  // Round-robin over how long delinquent leases have stopped paying, so that every aging
  // bucket (0-30 through 90+) has balances for any seed.
  let delinquent = 0;
  let phone = 1000;
  for (const spec of PROPERTIES) {
    const { id: property_id, name, jurisdiction, timezone, units, cares_covered } = spec;
    out.properties.push({ org_id, id: property_id, name, jurisdiction, timezone, units, cares_covered });
    archetypes(spec.leases, createRng(deriveSeed(seed, spec.prefix))).forEach((archetype, i) => {
      const id = `${spec.prefix}-${String(i + 1).padStart(4, '0')}`;
      const rng = createRng(deriveSeed(seed, id));
      const rent_cents = rng.int(spec.rent[0] / 25, spec.rent[1] / 25) * 2500;
      const [grace_days, late_fee] = lateFeeTerms(spec, rent_cents, rng);
      const startMonth = archetype !== 'moved_out' && rng.chance(0.08) ? from + rng.int(1, 14) : from - rng.int(1, 60);
      const end = archetype === 'moved_out' ? from + rng.int(3, 15) : to;
      const movedOut = archetype === 'moved_out' ? dateOf(end + 1, 0) : null;
      const lease: DemoLease = {
        org_id,
        id,
        property_id,
        unit: unitLabel(spec, i),
        kind: spec.commercial ? 'commercial' : 'residential',
        rent_cents,
        due_day: 1,
        grace_days,
        late_fee,
        collector: 'first_party',
        segment: spec.segment,
        status: movedOut ? 'moved_out' : 'current',
        starts_on: dateOf(startMonth, 1),
        ends_on: movedOut,
        moved_out_on: movedOut,
      };
      const stopMonths = archetype === 'delinquent' ? 1 + (delinquent++ % 4) : 0;
      const plan = { lease, archetype, commercial: spec.commercial, from, to, end, stopMonths };
      const { events, wroteOff } = simulateLedger(plan, rng);
      // Written-off balances go to an agency; a few residential leases are run by a manager.
      if (wroteOff) lease.collector = 'agency';
      else if (!spec.commercial && rng.chance(0.03)) lease.collector = 'third_party_manager';
      out.leases.push(lease);
      out.events.push(...events);
      addPeople(out, spec, lease, i, createRng(deriveSeed(seed, `${id}:people`)), () => phone++, to);
    });
  }
  // A stable sort by date keeps each lease's same-day order (payment before its reversal).
  out.events = out.events
    .filter((e) => e.effective_on <= asOfDate)
    .sort((a, b) => (a.effective_on < b.effective_on ? -1 : a.effective_on > b.effective_on ? 1 : 0));
  return out;
}
