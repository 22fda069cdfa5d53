import type { Migration } from './migration.ts';
import { secureOrgTables } from './row-level-security.ts';

const schema = `
-- Provider calls leave the database: the effect is marked 'sending' in one transaction, the
-- provider is called, and the result lands in a second. A crash in between leaves 'sending',
-- which is reconciled (never re-sent blindly); 'failed' is a provider refusal, 'unconfirmed' a
-- send whose outcome could not be established.
alter table effects drop constraint effects_status_check;
alter table effects add constraint effects_status_check check (status in ('scheduled', 'awaiting_approval',
  'approved', 'rejected', 'sending', 'sent', 'posted', 'blocked', 'suppressed', 'cancelled', 'cured', 'failed',
  'unconfirmed'));
alter table effects add column provider text;
alter table effects add column provider_message_id text;
alter table effects add column delivery_status text;
create index effects_provider_message on effects (org_id, provider, provider_message_id)
  where provider_message_id is not null;
create index effects_sending on effects (org_id, updated_at) where status = 'sending';

-- The day the engine next needs to look at a lease (null: only a new event can change it), so
-- the scheduled scan picks leases set-based instead of evaluating the whole portfolio.
alter table cases add column wake_on date;
create index cases_wake on cases (org_id, wake_on) where wake_on is not null;

-- What the sandbox providers "sent": exactly the rendered content, the recipient and its hash.
-- Written in the effect's own transaction, so it exists exactly when the effect says 'sent'.
create table sandbox_outbox (
  org_id text not null,
  id bigint generated always as identity,
  effect_key text not null,
  lease_id text not null,
  channel text not null,
  provider_message_id text not null,
  recipients jsonb not null,
  subject text,
  body text not null,
  content_sha256 text not null,
  data jsonb not null default '{}',
  sent_at timestamptz not null,
  primary key (org_id, id),
  unique (org_id, effect_key, channel)
);
create index sandbox_outbox_lease on sandbox_outbox (org_id, lease_id, id);

-- Every verified webhook event, once: the primary key is the dedupe on the provider's delivery
-- id, so a re-delivery (or three, out of order) is acknowledged and changes nothing.
create table inbound_events (
  org_id text not null,
  source text not null,
  event_id text not null,
  kind text not null,
  payload jsonb not null,
  received_at timestamptz not null,
  processed_at timestamptz,
  outcome text,
  primary key (org_id, source, event_id)
);

-- Provider credentials, AES-256-GCM encrypted; the key never lives in the database.
create table provider_credentials (
  org_id text not null,
  provider text not null,
  key_id text not null,
  ciphertext text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (org_id, provider)
);
`;

export const runner: Migration = {
  name: '003_runner',
  async up(knex, { appRole }) {
    await knex.raw(schema);
    await secureOrgTables(knex, appRole, ['sandbox_outbox', 'inbound_events', 'provider_credentials'], []);
  },
};
