import crypto from 'node:crypto';
import type { Delivery, OutboundBase, OutboundPort, Ports, SendContext } from '../../ports/index.ts';
import type { Channel } from '../../ports/index.ts';
import { rowsBeforeCommit } from '../../db/before-commit.ts';
import { insertRecords } from '../../db/insert-records.ts';

/**
 * The provider every port runs on without credentials: it stores exactly what would have been
 * sent (recipients, rendered body, content hash) in `sandbox_outbox`, inside the effect's own
 * transaction, and contacts nobody. `GET /v1/outbox` shows it.
 */
export function sandboxPort<M extends OutboundBase>(channel: Channel): OutboundPort<M> {
  return {
    channel,
    provider: 'sandbox',
    inTransaction: true,
    async send(message: M, context: SendContext): Promise<Delivery> {
      if (!context.trx) throw new Error('the sandbox records inside the dispatch transaction');
      const id = `sbx_${crypto
        .createHash('sha256')
        .update(`${message.org_id}\0${message.key}\0${channel}`)
        .digest('hex')
        .slice(0, 24)}`;
      const { key, org_id, lease_id, content_sha256, ...rest } = message;
      const fields = rest as Record<string, unknown>;
      const recipients = Array.isArray(fields.to) ? fields.to : fields.to === undefined ? [] : [fields.to];
      const body = String(fields.text ?? fields.body ?? fields.say ?? '');
      const subject =
        typeof fields.subject === 'string' ? fields.subject : typeof fields.title === 'string' ? fields.title : null;
      const row = {
        org_id,
        effect_key: key,
        lease_id,
        channel,
        provider_message_id: id,
        recipients,
        subject,
        body,
        content_sha256,
        data: fields,
        sent_at: context.now,
      };
      // Held back and written with the transaction's other records in one statement before it
      // commits (a round trip per message was a large share of a dispatch); nothing reads the
      // sandbox inside the dispatch.
      await records.add(context.trx, row);
      return { provider: 'sandbox', provider_message_id: id, status: 'delivered' };
    },
  };
}

/** Rows per insert, so one statement's JSON parameter stays a few megabytes at most. */
const records = rowsBeforeCommit<Record<string, unknown>>('sandbox', 2_000, async (trx, rows) => {
  // The effect row is locked and still unsent, so this never conflicts; if it ever did, the
  // first record stands and nothing is "sent" twice.
  await insertRecords(trx, 'sandbox_outbox', rows, 'on conflict (org_id, effect_key, channel) do nothing');
});

export function sandboxPorts(): Ports {
  return {
    email: sandboxPort('email'),
    sms: sandboxPort('sms'),
    voice: sandboxPort('voice'),
    letter: sandboxPort('letter'),
    records: {
      crm: sandboxPort('crm'),
      ticket: sandboxPort('ticket'),
      esign: sandboxPort('esign'),
      sheet: sandboxPort('sheet'),
      identity: sandboxPort('identity'),
      payments: sandboxPort('payments'),
      chat: sandboxPort('chat'),
      task: sandboxPort('task'),
    },
  };
}
