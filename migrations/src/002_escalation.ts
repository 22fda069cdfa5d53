import type { Migration } from './migration.ts';
import { secureOrgTables } from './row-level-security.ts';

const schema = `
-- Late-fee terms may be set per org (orgs.settings), per property and per lease; the most
-- specific wins. A commercial lease names the days its notice of default gives to cure.
alter table properties add column late_fee jsonb;
alter table leases add column cure_days smallint check (cure_days > 0);
alter table leases add column autopay boolean not null default false;
alter table leases add column cares_flag_removed_on date;

-- Published escalation policies: immutable id@version; a case pins the version it started with.
create table policies (
  org_id text not null references orgs,
  id text not null,
  version integer not null check (version > 0),
  document jsonb not null,
  sha256 text not null,
  published_by text not null,
  published_at timestamptz not null,
  primary key (org_id, id, version)
);

-- Holds pause or limit escalation for a lease: dated (backdatable), with the person who
-- recorded and who released them. status moves active -> kept | broken | released | expired;
-- a hold that needs approval starts as awaiting_approval.
create table holds (
  org_id text not null,
  id text not null,
  lease_id text not null,
  kind text not null check (kind in ('promise_to_pay', 'payment_plan', 'dispute', 'bankruptcy', 'scra',
    'deceased', 'manual', 'payment_in_transit')),
  status text not null check (status in ('awaiting_approval', 'active', 'kept', 'broken', 'released',
    'expired', 'rejected')),
  starts_on date not null,
  ends_on date,
  terms jsonb not null default '{}',
  created_by text not null,
  created_at timestamptz not null,
  closed_at timestamptz,
  closed_by text,
  close_reason text,
  primary key (org_id, id),
  foreign key (org_id, lease_id) references leases (org_id, id)
);
create index holds_lease on holds (org_id, lease_id);

-- The action ledger and transactional outbox in one: every effect the engine decides, keyed by
-- its idempotency key (lease, step, anchor due date), so a step can never produce a second
-- contact. status: scheduled | awaiting_approval | approved | rejected | sent | posted |
-- blocked | suppressed | cancelled | cured. Dispatch moves it forward; audit_log keeps history.
create table effects (
  org_id text not null,
  key text not null,
  seq bigint generated always as identity,
  lease_id text not null,
  case_id text,
  type text not null,
  status text not null check (status in ('scheduled', 'awaiting_approval', 'approved', 'rejected', 'sent',
    'posted', 'blocked', 'suppressed', 'cancelled', 'cured')),
  due_at timestamptz not null,
  step_id text,
  anchor_due_on date,
  request_id text,
  drafted_by text,
  decided_by text,
  reason text,
  rule jsonb,
  payload jsonb not null default '{}',
  attempts integer not null default 0,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (org_id, key),
  foreign key (org_id, lease_id) references leases (org_id, id)
);
create index effects_due on effects (org_id, status, due_at);
create index effects_lease on effects (org_id, lease_id, seq);
`;

export const escalation: Migration = {
  name: '002_escalation',
  async up(knex, { appRole }) {
    await knex.raw(schema);
    await secureOrgTables(knex, appRole, ['policies', 'holds', 'effects'], ['policies']);
  },
};
