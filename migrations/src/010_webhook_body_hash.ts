import type { Migration } from './migration.ts';

/**
 * A webhook delivery remembers the SHA-256 of the raw body it arrived with, so a sender that
 * reuses a delivery id for different content is told (409) instead of having the second body
 * acknowledged as a duplicate and dropped. Rows stored before this have no hash: a re-delivery
 * of one of them is taken as a duplicate, as it was.
 */
export const webhookBodyHash: Migration = {
  name: '010_webhook_body_hash',
  async up(knex) {
    await knex.raw('alter table inbound_events add column body_sha256 text');
  },
};
