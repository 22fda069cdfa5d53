import type { Knex } from 'knex';
import type { Migration, MigrationContext } from './migration.ts';
import { secureOrgTables } from './row-level-security.ts';

/** Tables every org-owned row lives in; each gets the same row-level security policy. */
const ORG_TABLES = [
  'orgs',
  'users',
  'api_keys',
  'properties',
  'leases',
  'tenants',
  'lease_tenants',
  'contact_points',
  'tenant_consents',
  'ledger_entries',
  'allocations',
  'lease_dues',
  'ledger_watermarks',
  'ingest_rejections',
  'cases',
  'case_events',
  'audit_heads',
  'audit_log',
] as const;

/** History is history: these are insert-only, for the application and for everyone else. */
const APPEND_ONLY = ['ledger_entries', 'allocations', 'case_events', 'audit_log'] as const;

const schema = `
create table orgs (
  org_id text primary key,
  name text not null,
  settings jsonb not null default '{}',
  created_at timestamptz not null default now()
);

create table users (
  org_id text not null references orgs,
  id text not null,
  name text,
  email text,
  role text not null check (role in ('agent', 'manager', 'counsel', 'admin')),
  created_at timestamptz not null default now(),
  primary key (org_id, id)
);

-- Machine callers (CRM workflow rules, accounting bridges). Only a SHA-256 of the secret is
-- kept; the key id is public and is how a request finds its row.
create table api_keys (
  id text primary key,
  org_id text not null references orgs,
  name text not null,
  secret_sha256 bytea not null,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);
create index api_keys_org on api_keys (org_id);

create table properties (
  org_id text not null references orgs,
  id text not null,
  name text not null,
  jurisdiction text not null check (jurisdiction ~ '^US-[A-Z]{2}$'),
  timezone text not null,
  units integer not null check (units > 0),
  cares_covered boolean not null default false,
  primary key (org_id, id)
);

create table leases (
  org_id text not null,
  id text not null,
  property_id text not null,
  unit text,
  kind text not null check (kind in ('residential', 'commercial')),
  rent_cents bigint not null check (rent_cents >= 0),
  due_day smallint not null check (due_day between 1 and 31),
  grace_days smallint not null default 0 check (grace_days >= 0),
  late_fee jsonb,
  collector text not null default 'first_party'
    check (collector in ('first_party', 'third_party_manager', 'agency', 'attorney')),
  segment text,
  status text not null default 'current'
    check (status in ('current', 'grace_period', 'at_risk', 'moved_out', 'closed')),
  starts_on date,
  ends_on date,
  moved_out_on date,
  primary key (org_id, id),
  foreign key (org_id, property_id) references properties (org_id, id)
);
create index leases_property on leases (org_id, property_id);

create table tenants (
  org_id text not null references orgs,
  id text not null,
  name text not null,
  kind text not null default 'individual' check (kind in ('individual', 'business')),
  language text not null default 'en',
  phone_timezone text,
  primary key (org_id, id)
);

create table lease_tenants (
  org_id text not null,
  lease_id text not null,
  tenant_id text not null,
  role text not null default 'primary'
    check (role in ('primary', 'co_tenant', 'co_signer', 'guarantor', 'billing_contact')),
  primary key (org_id, lease_id, tenant_id),
  foreign key (org_id, lease_id) references leases (org_id, id),
  foreign key (org_id, tenant_id) references tenants (org_id, id)
);
create index lease_tenants_tenant on lease_tenants (org_id, tenant_id);

create table contact_points (
  org_id text not null,
  tenant_id text not null,
  channel text not null check (channel in ('email', 'phone', 'postal')),
  value text not null,
  is_primary boolean not null default true,
  primary key (org_id, tenant_id, channel, value),
  foreign key (org_id, tenant_id) references tenants (org_id, id)
);

-- Consent per channel; revocation (a STOP reply) flips granted and keeps who/when.
create table tenant_consents (
  org_id text not null,
  tenant_id text not null,
  channel text not null check (channel in ('email', 'sms', 'voice', 'mail')),
  granted boolean not null,
  source text not null,
  changed_at timestamptz not null,
  primary key (org_id, tenant_id, channel),
  foreign key (org_id, tenant_id) references tenants (org_id, id)
);

-- The ledger is append-only. An event is identified by (org, source, external id): the same
-- delivery arriving again is a no-op, a different one with the same id is a conflict.
create table ledger_entries (
  id bigint generated always as identity primary key,
  org_id text not null,
  lease_id text not null,
  source text not null,
  external_id text not null,
  kind text not null check (kind in ('charge', 'payment', 'credit', 'write_off', 'reversal')),
  charge_type text check (charge_type in ('rent', 'late_fee', 'nsf_fee', 'utilities', 'other')),
  amount_cents bigint not null check (amount_cents > 0),
  effective_on date not null,
  due_on date,
  reverses_id bigint references ledger_entries (id),
  memo text,
  recorded_at timestamptz not null,
  unique (org_id, source, external_id),
  check ((kind = 'charge') = (charge_type is not null and due_on is not null)),
  check ((kind = 'reversal') = (reverses_id is not null)),
  foreign key (org_id, lease_id) references leases (org_id, id)
);
create index ledger_entries_lease on ledger_entries (org_id, lease_id, kind);
create unique index ledger_entries_one_reversal on ledger_entries (reverses_id) where reverses_id is not null;

-- Which credit-side entry (payment, credit, write-off) paid which charge. Append-only too:
-- a reversal adds negative rows that cancel exactly its payment's allocations, so balances
-- and ages "as of" any date are sums over rows with applied_on <= that date.
create table allocations (
  id bigint generated always as identity primary key,
  org_id text not null,
  lease_id text not null,
  charge_id bigint not null references ledger_entries (id),
  credit_id bigint not null references ledger_entries (id),
  amount_cents bigint not null check (amount_cents <> 0),
  applied_on date not null,
  -- The paid charge's due date, copied so aging nets charges and allocations per due date in
  -- one aggregate, without joining every allocation back to its charge.
  charge_due_on date not null,
  reversal_id bigint references ledger_entries (id),
  created_at timestamptz not null
);
create index allocations_charge on allocations (charge_id) include (amount_cents, applied_on);
create index allocations_credit on allocations (credit_id) include (amount_cents, applied_on);
create index allocations_lease on allocations (org_id, lease_id);

-- Current state, derived: per lease and due date with something still open, what was charged
-- and what has been applied to it; one more row per lease (due_on '-infinity') holds minus the
-- credit not yet applied, so open amounts plus that row sum to the balance. Rebuilt for the
-- touched leases by every ingest, in the same transaction; aging "as of" a day on or after the
-- org's watermark reads this instead of the whole history.
create table lease_dues (
  org_id text not null,
  lease_id text not null,
  due_on date not null,
  charged_cents bigint not null,
  allocated_cents bigint not null,
  primary key (org_id, lease_id, due_on)
);

-- The latest effective date in an org's ledger: aging as of an earlier day needs the history.
create table ledger_watermarks (
  org_id text primary key references orgs,
  last_effective_on date not null
);

-- Every rejected ledger event is kept with its reason: nothing is silently dropped.
create table ingest_rejections (
  id bigint generated always as identity primary key,
  org_id text not null references orgs,
  source text not null,
  external_id text,
  row_number integer,
  code text not null,
  field text,
  message text not null,
  payload jsonb not null,
  received_at timestamptz not null
);
create index ingest_rejections_org on ingest_rejections (org_id, received_at);

create table cases (
  org_id text not null,
  id text not null,
  lease_id text not null,
  status text not null default 'open' check (status in ('open', 'closed')),
  level text,
  policy_id text,
  policy_version integer,
  state jsonb not null default '{}',
  version integer not null default 0,
  opened_at timestamptz not null,
  closed_at timestamptz,
  primary key (org_id, id),
  foreign key (org_id, lease_id) references leases (org_id, id)
);
-- One escalation track per lease at a time.
create unique index cases_one_open_per_lease on cases (org_id, lease_id) where status = 'open';

create table case_events (
  id bigint generated always as identity primary key,
  org_id text not null,
  case_id text not null,
  at timestamptz not null,
  type text not null,
  actor text not null,
  data jsonb not null default '{}',
  idempotency_key text,
  foreign key (org_id, case_id) references cases (org_id, id)
);
create index case_events_case on case_events (org_id, case_id, at);
create unique index case_events_idempotency on case_events (org_id, idempotency_key) where idempotency_key is not null;

-- The audit trail: one hash chain per org. audit_heads holds the tip so appends serialise
-- on one row lock and a truncated tail is detectable.
create table audit_heads (
  org_id text primary key references orgs,
  seq bigint not null,
  hash text not null
);

create table audit_log (
  org_id text not null references orgs,
  seq bigint not null,
  at timestamptz not null,
  actor text not null,
  action text not null,
  subject_type text not null,
  subject_id text not null,
  data jsonb not null default '{}',
  prev_hash text not null,
  hash text not null,
  primary key (org_id, seq)
);

create function audit_row_hash(
  prev_hash text, org_id text, seq bigint, at timestamptz, actor text, action text,
  subject_type text, subject_id text, data jsonb
) returns text language sql stable as $fn$
  select encode(sha256(convert_to(concat_ws(chr(31),
    prev_hash, org_id, seq::text,
    to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    actor, action, subject_type, subject_id, data::text), 'UTF8')), 'hex')
$fn$;

create function audit_chain() returns trigger language plpgsql as $fn$
declare
  head audit_heads%rowtype;
begin
  insert into audit_heads (org_id, seq, hash) values (new.org_id, 0, repeat('0', 64))
    on conflict (org_id) do nothing;
  select * into head from audit_heads where audit_heads.org_id = new.org_id for update;
  new.seq := head.seq + 1;
  new.prev_hash := head.hash;
  new.hash := audit_row_hash(new.prev_hash, new.org_id, new.seq, new.at, new.actor, new.action,
    new.subject_type, new.subject_id, new.data);
  update audit_heads set seq = new.seq, hash = new.hash where audit_heads.org_id = new.org_id;
  return new;
end
$fn$;

create trigger audit_log_chain before insert on audit_log for each row execute function audit_chain();

create function refuse_change() returns trigger language plpgsql as $fn$
begin
  raise exception '% is append-only: % refused', tg_table_name, tg_op
    using errcode = 'insufficient_privilege';
end
$fn$;
`;

async function rowLevelSecurity(knex: Knex, { appRole }: MigrationContext): Promise<void> {
  // The role is cluster-wide; parallel migrations (one schema per test file) may race to
  // create it, hence the exception handler.
  await knex.raw(`
    do $do$ begin
      if not exists (select 1 from pg_roles where rolname = '${appRole}') then
        create role ${appRole} nologin;
      end if;
    exception when duplicate_object or unique_violation then null;
    end $do$;`);
  // The connecting user must be a member of the role to SET ROLE to it (superusers are anyway).
  await knex.raw(`
    do $do$ begin
      execute format('grant %I to %I', '${appRole}', current_user);
    exception when others then null;
    end $do$;`);
  await knex.raw(`do $do$ begin execute format('grant usage on schema %I to ${appRole}', current_schema()); end $do$;`);
  await secureOrgTables(knex, appRole, ORG_TABLES, APPEND_ONLY);
}

export const foundation: Migration = {
  name: '001_foundation',
  async up(knex, context) {
    await knex.raw(schema);
    await rowLevelSecurity(knex, context);
  },
};
