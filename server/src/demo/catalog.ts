// The fixed cast of the demo: properties, people's names, staff.
import type { Rng } from './random.ts';
import type { DemoProperty, DemoUser, LateFeeTerms } from './types.ts';

export interface PropertySpec extends Omit<DemoProperty, 'org_id'> {
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
export const PROPERTIES: PropertySpec[] = [
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
export function lateFeeTerms(spec: PropertySpec, rent: number, rng: Rng): [number, LateFeeTerms] {
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

export function unitLabel(spec: PropertySpec, i: number): string {
  if (spec.prefix === 'TX') return `${'ABCDEFGHJ'[Math.floor(i / 24)]}-${101 + (i % 24)}`;
  if (spec.prefix === 'NY') return `${Math.floor(i / 10) + 2}${'ABCDEFGHJK'[i % 10]}`;
  if (spec.commercial) return `${101 + i}`;
  return `${Math.floor(i / 16) + 1}${String((i % 16) + 1).padStart(2, '0')}`;
}

export const words = (s: string, separator = ' '): string[] => s.split(separator);
export const FIRST = words(
  'James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph Jessica Thomas Sarah Daniel Karen Matthew Nancy Anthony Emily Kevin Michelle Brian Amanda Wei Priya Hiroshi Aisha Dmitri Fatima Kwame Mei',
);
export const LAST = words(
  'Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Moore Jackson Martin Lee Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Green Baker Adams Nelson Hill Chen Patel Nguyen Kim Okafor Cohen Murphy Rossi',
);
export const ES_FIRST = words(
  'José María Juan Guadalupe Luis Carmen Carlos Rosa Jorge Ana Miguel Lucía Alejandro Sofía Javier Elena Ricardo Isabel Fernando Gabriela',
);
export const ES_LAST = words(
  'García Rodríguez Martínez Hernández López González Pérez Sánchez Ramírez Torres Flores Rivera Gómez Díaz Cruz Morales Reyes Ortiz Vargas Castillo',
);
export const BUSINESSES = words(
  'Bayside Coffee Roasters|Gulf Coast Dental Group|Palmetto Yoga Studio|Harbor Pharmacy|Sunrise Nail Bar|Tampa Bay Cycles|Mango Tree Thai Kitchen|Coastal Realty Partners|Pelican Pet Supply|Blue Heron Books|Seabreeze Dry Cleaners|Osprey Fitness|La Palma Bakery|Keystone Tax Services|Marina Mobile Repair|Driftwood Barber Co|Citrus Urgent Care|Tidewater Insurance|Saltwater Kids Academy|Anchor Print & Ship',
  '|',
);
// Where co-signers and guarantors (and some tenants' phones) live.
export const ELSEWHERE: { timezone: string; areaCode: string; city: string }[] = [
  { timezone: 'America/New_York', areaCode: '212', city: 'New York, NY 10001' },
  { timezone: 'America/Chicago', areaCode: '312', city: 'Chicago, IL 60601' },
  { timezone: 'America/Denver', areaCode: '303', city: 'Denver, CO 80202' },
  { timezone: 'America/Phoenix', areaCode: '602', city: 'Phoenix, AZ 85004' },
  { timezone: 'America/Los_Angeles', areaCode: '213', city: 'Los Angeles, CA 90012' },
  { timezone: 'Pacific/Honolulu', areaCode: '808', city: 'Honolulu, HI 96813' },
];

export const USERS: Omit<DemoUser, 'org_id'>[] = [
  { id: 'agent-1', name: 'Dana Whitfield', email: 'dana.whitfield@harborvine.example', role: 'agent' },
  { id: 'agent-2', name: 'Marco Ibáñez', email: 'marco.ibanez@harborvine.example', role: 'agent' },
  { id: 'manager-1', name: 'Priya Raman', email: 'priya.raman@harborvine.example', role: 'manager' },
  { id: 'counsel-1', name: 'Eleanor Brandt', email: 'eleanor.brandt@harborvine.example', role: 'counsel' },
  { id: 'admin-1', name: 'Sam Okoro', email: 'sam.okoro@harborvine.example', role: 'admin' },
];
export const STREETS = words('Oak Maple Cedar Elm Pine Lakeview Sunset Park Hillcrest Willow');
