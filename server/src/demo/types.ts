/** Rows of the demo portfolio, shaped like the tables they load into (snake_case). */
import type { LedgerEvent } from '@arrears/shared';

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
