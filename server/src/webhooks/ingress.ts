import crypto from 'node:crypto';
import express, { Router } from 'express';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import { noteWork } from '../db/outbox.ts';
import { AppError } from '../errors.ts';
import { withoutNul } from '../ledger/validate.ts';
import type { SecretCipher } from '../secrets/cipher.ts';
import { loadCredentials } from '../secrets/credentials.ts';
import type { RegisteredScheme } from './registry.ts';
import { MAX_EVENT_ID_LENGTH, WebhookRejected, type InboundEvent, type SignedRequest } from './scheme.ts';

export interface IngressDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  cipher: SecretCipher | undefined;
  registry: Map<string, RegisteredScheme>;
  /** The public base URL providers call (Twilio signs the full URL it was given). */
  publicUrl: string;
}

const ORG = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * PostgreSQL text and jsonb cannot hold U+0000. Ledger records keep theirs: the event is stored
 * as its JSON text in a jsonb string (process.ts `eventOf` reads both forms), so the ingest
 * rejects that one row by its number and field, as the ledger API does, and the delivery's good
 * rows are kept. Any other event (an SMS body, a bounce reason) has each NUL written as the six
 * characters `\u0000` before it is stored or keyed.
 */
function storable(event: InboundEvent): { event: InboundEvent; payload: string } {
  if (event.kind !== 'ledger_events') {
    const safe = withoutNul(event);
    return { event: safe, payload: JSON.stringify(safe) };
  }
  const json = JSON.stringify(event);
  return { event, payload: json.includes('\\u0000') ? JSON.stringify(json) : json };
}

/**
 * The one place every provider's webhooks enter: raw body → the scheme's verifier (constant
 * time, timestamp window on the injected clock) → dedupe on the delivery id → a job, in one
 * transaction → 2xx at once. Anything unverifiable gets 401 and nothing is stored or enqueued.
 */
export function webhookIngress(deps: IngressDeps): Router {
  const router = Router();
  router.post(
    '/webhooks/:scheme/:org',
    // The raw bytes, exactly as signed: no JSON or form parser touches them first.
    express.raw({ type: () => true, limit: '16mb' }),
    async (req, res) => {
      const entry = deps.registry.get(String(req.params.scheme));
      const orgId = String(req.params.org);
      if (!entry || !ORG.test(orgId)) {
        res.status(404).json({ error: { code: 'not_found', message: 'No such webhook' } });
        return;
      }
      const request: SignedRequest = {
        rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        headers: Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(',') : v]),
        ),
        url: `${deps.publicUrl}${req.originalUrl}`,
      };
      const now = deps.clock.now();
      try {
        // No cipher or no credentials (or no such org): no secret, and a missing secret rejects.
        const credentials = deps.cipher
          ? await deps.db.withOrg(orgId, (trx) => loadCredentials(trx, deps.cipher!, orgId, entry.credentials.provider))
          : undefined;
        const secret = credentials?.[entry.credentials.field];
        entry.scheme.verify(request, typeof secret === 'string' ? secret : undefined, now);
        const events = entry.scheme.parse(request).map(storable);
        // Each scheme bounds the ids it takes from a sender; this is the backstop for one that
        // does not (a key over PostgreSQL's index row limit would fail the insert as a 500).
        const long = events.find(({ event }) => event.id.length > MAX_EVENT_ID_LENGTH);
        if (long)
          throw new WebhookRejected('malformed', `event id longer than ${MAX_EVENT_ID_LENGTH} characters`, [
            { path: 'id', message: `must be at most ${MAX_EVENT_ID_LENGTH} characters` },
          ]);
        const bodySha256 = entry.scheme.deliveryIds
          ? crypto.createHash('sha256').update(request.rawBody).digest('hex')
          : null;
        const created = await deps.db.withOrg(orgId, async (trx) => {
          let fresh = 0;
          for (const { event, payload } of events) {
            const key = { org_id: orgId, source: entry.scheme.id, event_id: event.id };
            const inserted = await trx('inbound_events')
              .insert({
                ...key,
                kind: event.kind,
                payload,
                body_sha256: bodySha256,
                received_at: now,
              })
              .onConflict(['org_id', 'source', 'event_id'])
              .ignore()
              .returning('event_id');
            if (inserted.length === 0) {
              // A delivery id seen before: the same bytes are a re-delivery; other bytes are the
              // sender's bug, refused (the transaction rolls back: nothing stored or enqueued).
              const first = bodySha256 ? await trx('inbound_events').where(key).first('body_sha256') : undefined;
              if (first?.body_sha256 && first.body_sha256 !== bodySha256)
                throw new AppError(
                  'conflict',
                  `Delivery ${event.id} was already received with a different body; a re-delivery must repeat the same bytes, and new content needs a new delivery id`,
                  [
                    {
                      path: 'headers.x-arrears-delivery',
                      message: `delivery ${event.id} already received with another body`,
                    },
                  ],
                );
              continue;
            }
            fresh += 1;
            noteWork(trx, { kind: 'webhook', orgId, source: entry.scheme.id, eventId: event.id });
          }
          return fresh;
        });
        const ack = entry.scheme.acknowledgement;
        if (ack) res.status(200).type(ack.contentType).send(ack.body);
        else res.status(200).json({ received: events.length, new: created, duplicates: events.length - created });
      } catch (error) {
        if (!(error instanceof WebhookRejected)) throw error;
        deps.logger.warn({ scheme: entry.scheme.id, org: orgId, reason: error.reason }, 'webhook rejected');
        res.status(error.reason === 'malformed' ? 400 : 401).json({
          error: {
            code: error.reason === 'malformed' ? 'invalid_request' : 'unauthenticated',
            reason: error.reason,
            message: error.message,
            ...(error.details.length ? { details: error.details } : {}),
          },
        });
      }
    },
  );
  return router;
}
