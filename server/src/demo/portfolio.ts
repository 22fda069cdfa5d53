import type { ChargeType, LedgerEvent } from '@arrears/shared';
import { createRng, deriveSeed, type Rng } from './random.ts';

export const DEMO_ORG_ID = 'demo';
const HISTORY_MONTHS = 18;

export type LateFeeTerms =
  | { kind: 'flat'; amount_cents: number }
  | { kind: 'percent'; bps: number }
  | { kind: 'daily'; initial_cents: number; daily_cents: number; cap_cents: number };

export interface DemoUser {
  org_id: string;
  id: string;
  name: string;
  email: string;
  role: 'agent' | 'manager' | 'counsel' | 'admin';
}
export interface DemoProperty {
  org_id: string;
  id: string;
  name: string;
  jurisdiction: string;
  timezone: string;
  units: number;
  cares_covered: boolean;
}
export interface DemoLease {
  org_id: string;
  id: string;
  property_id: string;
  unit: string;
  kind: 'residential' | 'commercial';
  rent_cents: number;
  due_day: number;
  grace_days: number;
  late_fee: LateFeeTerms;
  collector: 'first_party' | 'third_party_manager' | 'agency' | 'attorney';
  segment: string;
  status: 'current' | 'moved_out';
  starts_on: string;
  ends_on: string | null;
  moved_out_on: string | null;
}
export interface DemoTenant {
  org_id: string;
  id: string;
  name: string;
  kind: 'individual' | 'business';
  language: 'en' | 'es';
  phone_timezone: string | null;
}
export interface DemoLeaseTenant {
  org_id: string;
  lease_id: string;
  tenant_id: string;
  role: 'primary' | 'co_signer' | 'guarantor';
}
export interface DemoContactPoint {
  org_id: string;
  tenant_id: string;
  channel: 'email' | 'phone' | 'postal';
  value: string;
  is_primary: boolean;
}
export interface DemoConsent {
  org_id: string;
  tenant_id: string;
  channel: 'email' | 'sms' | 'voice' | 'mail';
  granted: boolean;
  source: string;
  /** ISO instant. */
  changed_at: string;
}
export interface DemoPortfolio {
  org: { org_id: string; name: string };
  users: DemoUser[];
  properties: DemoProperty[];
  leases: DemoLease[];
  tenants: DemoTenant[];
  lease_tenants: DemoLeaseTenant[];
  contact_points: DemoContactPoint[];
  tenant_consents: DemoConsent[];
  /** In posting order (effective_on, stable), so every reversal follows the payment it undoes. */
  events: LedgerEvent[];
}

interface PropertySpec extends Omit<DemoProperty, 'org_id'> {
  prefix: string;
  leases: number;
  commercial: boolean;
  segment: string;
  address: [street: string, city: string];
  areaCode: string;
  /** Whole dollars. */
  rent: [number, number];
  /** Share of Spanish-speaking tenants. */
  spanish: number;
}

// Unit counts exceed lease counts (some units are vacant); Texas has more than 4 units,
// which matters for its late fee cap.
const PROPERTIES: PropertySpec[] = [
  {
    id: 'mission-terrace',
    name: 'Mission Terrace Apartments',
    jurisdiction: 'US-CA',
    timezone: 'America/Los_Angeles',
    units: 160,
    cares_covered: false,
    prefix: 'CA',
    leases: 150,
    commercial: false,
    segment: 'market',
    address: ['2750 Mission St', 'San Francisco, CA 94110'],
    areaCode: '415',
    rent: [2400, 3900],
    spanish: 0.15,
  },
  {
    id: 'atlantic-lofts',
    name: 'Atlantic Avenue Lofts',
    jurisdiction: 'US-NY',
    timezone: 'America/New_York',
    units: 140,
    cares_covered: false,
    prefix: 'NY',
    leases: 130,
    commercial: false,
    segment: 'market',
    address: ['410 Atlantic Ave', 'Brooklyn, NY 11217'],
    areaCode: '718',
    rent: [2100, 3600],
    spanish: 0.1,
  },
  {
    id: 'riverbend-gardens',
    name: 'Riverbend Gardens',
    jurisdiction: 'US-TX',
    timezone: 'America/Chicago',
    units: 216,
    cares_covered: true,
    prefix: 'TX',
    leases: 200,
    commercial: false,
    segment: 'workforce',
    address: ['8800 Riverbend Dr', 'Austin, TX 78745'],
    areaCode: '512',
    rent: [1150, 1850],
    spanish: 0.3,
  },
  {
    id: 'bayshore-plaza',
    name: 'Bayshore Retail Plaza',
    jurisdiction: 'US-FL',
    timezone: 'America/New_York',
    units: 24,
    cares_covered: false,
    prefix: 'FL',
    leases: 20,
    commercial: true,
    segment: 'retail',
    address: ['1200 Bayshore Blvd', 'Tampa, FL 33606'],
    areaCode: '813',
    rent: [4500, 16000],
    spanish: 0.1,
  },
];

/** Terms within each state's usual limits; grace days first, then the fee. */
function lateFeeTerms(spec: PropertySpec, rent: number, rng: Rng): [number, LateFeeTerms] {
  switch (spec.prefix) {
    case 'NY': // The lesser of $50 or 5%, and not before 5 days late.
      return [5, { kind: 'flat', amount_cents: Math.min(5000, Math.round(rent * 0.05)) }];
    case 'TX': // Not until rent is 2 full days late; at most 10% for a building of more than 4 units.
      return [
        rng.pick([2, 3]),
        {
          kind: 'daily',
          initial_cents: Math.floor(rent / 2000) * 100,
          daily_cents: 1000,
          cap_cents: Math.floor(rent / 1000) * 100,
        },
      ];
    case 'FL':
      return [5, { kind: 'percent', bps: 500 }];
    default:
      return [rng.pick([3, 5]), { kind: 'flat', amount_cents: 7500 }];
  }
}

function unitLabel(spec: PropertySpec, i: number): string {
  if (spec.prefix === 'TX') return `${'ABCDEFGHJ'[Math.floor(i / 24)]}-${101 + (i % 24)}`;
  if (spec.prefix === 'NY') return `${Math.floor(i / 10) + 2}${'ABCDEFGHJK'[i % 10]}`;
  if (spec.commercial) return `${101 + i}`;
  return `${Math.floor(i / 16) + 1}${String((i % 16) + 1).padStart(2, '0')}`;
}

const words = (s: string, separator = ' '): string[] => s.split(separator);
const FIRST = words(
  'James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph Jessica Thomas Sarah Daniel Karen Matthew Nancy Anthony Emily Kevin Michelle Brian Amanda Wei Priya Hiroshi Aisha Dmitri Fatima Kwame Mei',
);
const LAST = words(
  'Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Moore Jackson Martin Lee Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Green Baker Adams Nelson Hill Chen Patel Nguyen Kim Okafor Cohen Murphy Rossi',
);
const ES_FIRST = words(
  'José María Juan Guadalupe Luis Carmen Carlos Rosa Jorge Ana Miguel Lucía Alejandro Sofía Javier Elena Ricardo Isabel Fernando Gabriela',
);
const ES_LAST = words(
  'García Rodríguez Martínez Hernández López González Pérez Sánchez Ramírez Torres Flores Rivera Gómez Díaz Cruz Morales Reyes Ortiz Vargas Castillo',
);
const BUSINESSES = words(
  'Bayside Coffee Roasters|Gulf Coast Dental Group|Palmetto Yoga Studio|Harbor Pharmacy|Sunrise Nail Bar|Tampa Bay Cycles|Mango Tree Thai Kitchen|Coastal Realty Partners|Pelican Pet Supply|Blue Heron Books|Seabreeze Dry Cleaners|Osprey Fitness|La Palma Bakery|Keystone Tax Services|Marina Mobile Repair|Driftwood Barber Co|Citrus Urgent Care|Tidewater Insurance|Saltwater Kids Academy|Anchor Print & Ship',
  '|',
);
// Where co-signers and guarantors (and some tenants' phones) live.
const ELSEWHERE: { timezone: string; areaCode: string; city: string }[] = [
  { timezone: 'America/New_York', areaCode: '212', city: 'New York, NY 10001' },
  { timezone: 'America/Chicago', areaCode: '312', city: 'Chicago, IL 60601' },
  { timezone: 'America/Denver', areaCode: '303', city: 'Denver, CO 80202' },
  { timezone: 'America/Phoenix', areaCode: '602', city: 'Phoenix, AZ 85004' },
  { timezone: 'America/Los_Angeles', areaCode: '213', city: 'Los Angeles, CA 90012' },
  { timezone: 'Pacific/Honolulu', areaCode: '808', city: 'Honolulu, HI 96813' },
];

type Archetype = 'on_time' | 'late' | 'partial' | 'nsf' | 'delinquent' | 'moved_out';
const SHARES: [Archetype, number][] = [
  ['late', 0.14],
  ['partial', 0.1],
  ['nsf', 0.08],
  ['delinquent', 0.08],
  ['moved_out', 0.05],
];

/** Fixed quotas, shuffled: every seed gets the same mix, so every seed shows every behaviour. */
function archetypes(count: number, rng: Rng): Archetype[] {
  const list: Archetype[] = SHARES.flatMap(([a, share]) =>
    Array<Archetype>(Math.max(1, Math.round(count * share))).fill(a),
  );
  return rng.shuffle([...list, ...Array<Archetype>(count - list.length).fill('on_time')]);
}

// Months are counted as year * 12 + month index; days may overflow (Date.UTC normalises).
const dateOf = (month: number, day: number): string =>
  new Date(Date.UTC(Math.floor(month / 12), month % 12, day)).toISOString().slice(0, 10);
const monthKey = (month: number): string => dateOf(month, 1).slice(0, 7);
const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const dollars = (cents: number): number => Math.max(100, Math.round(cents / 100) * 100);
const ascii = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[^a-zA-Z]/g, '')
    .toLowerCase();

interface LeasePlan {
  lease: DemoLease;
  archetype: Archetype;
  commercial: boolean;
  from: number;
  to: number;
  end: number;
  /** Delinquent leases stop paying for this many final months. */
  stopMonths: number;
}

/**
 * One lease's ledger month by month, tracking what the tenant owes so that every payment
 * pays a plausible amount. Fees follow the lease's own terms.
 */
function simulateLedger(plan: LeasePlan, rng: Rng): { events: LedgerEvent[]; wroteOff: boolean } {
  const { lease, archetype, commercial, from, to, end } = plan;
  const events: LedgerEvent[] = [];
  const id = lease.id;
  const rent = lease.rent_cents;
  let owed = 0;
  const base = (key: string, on: string, amount: number, memo?: string) => ({
    lease_id: id,
    external_id: `${id}-${key}`,
    amount_cents: amount,
    effective_on: on,
    ...(memo ? { memo } : {}),
  });
  const charge = (type: ChargeType, on: string, amount: number, key: string, memo?: string): void => {
    events.push({ kind: 'charge', charge_type: type, due_on: on, ...base(key, on, amount, memo) });
    owed += amount;
  };
  const credit = (kind: 'payment' | 'credit' | 'write_off', on: string, amount: number, key: string, memo?: string) => {
    events.push({ kind, ...base(key, on, amount, memo) });
    owed -= amount;
  };
  const fee = lease.late_fee;
  const initialFee =
    fee.kind === 'flat'
      ? fee.amount_cents
      : fee.kind === 'percent'
        ? Math.round((rent * fee.bps) / 10_000)
        : fee.initial_cents;
  const lateDay = lease.due_day + lease.grace_days + 1;
  const start = Math.max(from, monthOf(lease.starts_on));
  const unpaidFrom =
    archetype === 'delinquent' ? to - plan.stopMonths + 1 : archetype === 'moved_out' ? end - rng.int(0, 1) : Infinity;
  const nsfMonths = new Set(archetype === 'nsf' ? rng.shuffle(range(start, end)).slice(0, rng.int(1, 3)) : []);
  let nsfCount = 0;

  for (let m = start; m <= end; m++) {
    const key = monthKey(m);
    const due = dateOf(m, lease.due_day);
    charge('rent', due, rent, `RENT-${key}`);
    if (commercial) charge('other', due, dollars(rent * 0.08), `CAM-${key}`, 'Common area maintenance');
    else if (rng.chance(0.04)) charge('utilities', due, rng.int(40, 160) * 100, `UTIL-${key}`, 'Water and sewer');
    const moveInSpecial = m === start && m > from && rng.chance(0.5);
    if (moveInSpecial || rng.chance(0.006)) {
      const share = moveInSpecial ? 0.5 : rng.int(10, 30) / 100;
      credit(
        'credit',
        due,
        dollars(rent * share),
        `CREDIT-${key}`,
        moveInSpecial ? 'Move-in concession' : 'Concession',
      );
    }
    if (m >= unpaidFrom) {
      if (owed > 0) charge('late_fee', dateOf(m, lateDay), initialFee, `LATE-${key}`, 'Late fee');
      continue;
    }
    if (nsfMonths.has(m) && owed > 0) {
      // A returned payment re-opens what it paid at the original age, plus the bank fee.
      const day = rng.int(1, lease.grace_days);
      const amount = owed;
      credit('payment', dateOf(m, day), amount, `PAY-${key}`);
      const returnedOn = dateOf(m, day + rng.int(3, 6));
      const memo = 'Returned: insufficient funds';
      events.push({
        kind: 'reversal',
        reverses: `${id}-PAY-${key}`,
        reason: 'nsf',
        ...base(`NSF-${key}`, returnedOn, amount, memo),
      });
      owed += amount;
      charge('nsf_fee', returnedOn, nsfCount++ === 0 ? 2500 : 3500, `NSFFEE-${key}`, 'Returned payment fee');
      if (rng.chance(0.85)) credit('payment', addDays(returnedOn, rng.int(2, 8)), owed, `PAY-${key}-R`);
      continue;
    }
    let day = rng.int(1, Math.min(3, lease.grace_days));
    let share = 1;
    if (archetype === 'late' && rng.chance(0.7)) day = lease.due_day + rng.int(5, 25);
    if (archetype === 'partial' && rng.chance(0.7)) share = rng.int(50, 90) / 100;
    const pay = () => {
      const amount = share === 1 ? owed : Math.min(owed, dollars(owed * share));
      if (amount > 0) credit('payment', dateOf(m, day), amount, `PAY-${key}`);
    };
    if (day < lateDay) pay();
    if (owed > 0) {
      charge('late_fee', dateOf(m, lateDay), initialFee, `LATE-${key}`, 'Late fee');
      if (fee.kind === 'daily' && day > lateDay) {
        const accrued = Math.min(fee.cap_cents - fee.initial_cents, fee.daily_cents * (day - lateDay));
        if (accrued > 0) charge('late_fee', dateOf(m, day), accrued, `LATE-${key}-D`, 'Daily late fee');
      }
    }
    if (day >= lateDay) pay();
  }

  let wroteOff = false;
  if (archetype === 'moved_out' && lease.moved_out_on) {
    // The deposit goes against the final balance; much of the rest is never collected.
    if (owed > 0)
      credit('credit', addDays(lease.moved_out_on, 21), Math.min(owed, rent), 'DEPOSIT', 'Security deposit applied');
    if (owed > 0 && rng.chance(0.6)) {
      credit('write_off', addDays(lease.moved_out_on, rng.int(60, 120)), owed, 'WRITEOFF', 'Bad debt write-off');
      wroteOff = true;
    }
  }
  return { events, wroteOff };
}

const monthOf = (date: string): number => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
const range = (a: number, b: number): number[] => Array.from({ length: Math.max(0, b - a + 1) }, (_, i) => a + i);

const USERS: Omit<DemoUser, 'org_id'>[] = [
  { id: 'agent-1', name: 'Dana Whitfield', email: 'dana.whitfield@harborvine.example', role: 'agent' },
  { id: 'agent-2', name: 'Marco Ibáñez', email: 'marco.ibanez@harborvine.example', role: 'agent' },
  { id: 'manager-1', name: 'Priya Raman', email: 'priya.raman@harborvine.example', role: 'manager' },
  { id: 'counsel-1', name: 'Eleanor Brandt', email: 'eleanor.brandt@harborvine.example', role: 'counsel' },
  { id: 'admin-1', name: 'Sam Okoro', email: 'sam.okoro@harborvine.example', role: 'admin' },
];
const STREETS = words('Oak Maple Cedar Elm Pine Lakeview Sunset Park Hillcrest Willow');

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
