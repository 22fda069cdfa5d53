import crypto from 'node:crypto';
import twilio from 'twilio';
import type { Delivery, OutboundPort, SmsMessage, VoiceMessage } from '../../ports/index.ts';
import { ProviderError } from '../../ports/index.ts';
import type { FetchedStatus } from '../../ports/port.ts';
import { twilioClient, withExchange } from './client.ts';
import { E164, parseTwilioCredentials, type TwilioCredentials } from './credentials.ts';
import { providerErrorOf } from './errors.ts';
import { fetchedStatusOf, type FetchedResource } from './status.ts';

export interface TwilioPortOptions {
  orgId: string;
  /** ARREARS_PUBLIC_URL: Twilio calls back on `<publicUrl>/webhooks/twilio/<org>`. */
  publicUrl: string;
  /** Per request; the SDK's default is 30 s. */
  timeoutMs?: number;
}

export interface TwilioPorts {
  sms: OutboundPort<SmsMessage>;
  voice: OutboundPort<VoiceMessage>;
}

/**
 * Where Twilio reports on one effect. The effect key rides in the query string because Twilio
 * signs the full URL it calls: the key comes back authenticated (webhooks/schemes/twilio.ts),
 * so a report finds its effect without trusting anything unsigned. Twilio calls exactly this
 * string, and the ingress rebuilds it from ARREARS_PUBLIC_URL and the raw request path, so both
 * must agree byte for byte.
 */
export function twilioCallbackUrl(publicUrl: string, orgId: string, effectKey: string): string {
  const base = publicUrl.replace(/\/+$/, '');
  return `${base}/webhooks/twilio/${encodeURIComponent(orgId)}?effect=${encodeURIComponent(effectKey)}`;
}

/**
 * Sent as I-Twilio-Idempotency-Token. Derived, not random, so every retry of one effect carries
 * the same token. Twilio's public documentation does not promise that the REST API deduplicates
 * on it (integrations mostly meet the header on Twilio's own webhook requests), so the effects
 * table (`sending` before the call, `unconfirmed` when the answer is lost) stays the guarantee
 * that a step reaches a tenant once.
 */
export function twilioIdempotencyToken(orgId: string, effectKey: string, channel: 'sms' | 'voice'): string {
  return crypto.createHash('sha256').update(`${orgId}\0${effectKey}\0${channel}`).digest('hex');
}

/**
 * What the call says. Inline TwiML cannot branch on who answered (that needs a TwiML endpoint
 * Twilio fetches after detection), so one text serves both: with MachineDetection
 * DetectMessageEnd a person hears it at once and a machine records it after the beep. The
 * voicemail text is the one written to be safe for whoever hears it (a housemate, a shared
 * mailbox), so it wins when the two differ. The SDK's builder escapes the XML.
 */
export function voiceTwiml(message: Pick<VoiceMessage, 'say' | 'voicemail'>): string {
  const response = new twilio.twiml.VoiceResponse();
  response.say(message.voicemail || message.say);
  return response.toString();
}

/** Numbers that cannot be dialled are refused here, before a request Twilio would bill. */
function recipient(to: string): string {
  if (!E164.test(to))
    throw new ProviderError(
      'twilio',
      'invalid_recipient',
      to ? 'recipient is not an E.164 number' : 'no phone number',
      {
        code: to ? 'not_e164' : 'no_phone',
      },
    );
  return to;
}

/**
 * The SMS and voice ports for one org, over the official SDK. Neither records in the database
 * (`inTransaction` false): the runner commits the effect as `sending`, calls, then records the
 * outcome (escalation/send.ts). Neither retries: the runner decides by the error's kind.
 */
export function twilioPorts(input: TwilioCredentials, options: TwilioPortOptions): TwilioPorts {
  const credentials = parseTwilioCredentials(input);
  const client = twilioClient(credentials, options.timeoutMs);
  const callback = (key: string, explicit: string | undefined) =>
    explicit ?? twilioCallbackUrl(options.publicUrl, options.orgId, key);

  async function create(
    channel: 'sms' | 'voice',
    key: string,
    now: Date,
    call: () => Promise<{ sid: string }>,
  ): Promise<Delivery> {
    const outcome = await withExchange(twilioIdempotencyToken(options.orgId, key, channel), call);
    if ('error' in outcome) throw providerErrorOf(outcome.error, outcome.exchange, now);
    return { provider: 'twilio', provider_message_id: outcome.result.sid, status: 'accepted' };
  }

  /**
   * GET …/Messages/{Sid}.json or …/Calls/{Sid}.json through the same client (so `api_base_url`
   * and the contract fake apply), mapped as the status callback would be. A read is safe to
   * repeat, so a request whose answer was lost is an outage here (`unavailable`, retried), not
   * the unknown outcome it is for a create.
   */
  async function fetchStatus(now: Date, read: () => Promise<FetchedResource>): Promise<FetchedStatus> {
    const outcome = await withExchange(undefined, read);
    if ('error' in outcome) {
      const error = providerErrorOf(outcome.error, outcome.exchange, now);
      throw error instanceof ProviderError ? error : new ProviderError('twilio', 'unavailable', error.message);
    }
    return fetchedStatusOf(outcome.result);
  }

  const sms: OutboundPort<SmsMessage> = {
    channel: 'sms',
    provider: 'twilio',
    inTransaction: false,
    async send(message, context) {
      const to = recipient(message.to);
      // With a Messaging Service Twilio picks the sender from its pool (and keeps one sender per
      // recipient); `from` is then only the caller id for calls.
      const sender = credentials.messaging_service_sid
        ? { messagingServiceSid: credentials.messaging_service_sid }
        : { from: credentials.from! };
      return create('sms', message.key, context.now, () =>
        client.messages.create({
          to,
          ...sender,
          body: message.body,
          statusCallback: callback(message.key, message.status_callback_url),
        }),
      );
    },
    fetchStatus(messageSid, context) {
      return fetchStatus(context.now, async () => {
        const found = await client.messages(messageSid).fetch();
        return { kind: 'message', sid: found.sid, status: found.status, errorCode: found.errorCode };
      });
    },
  };

  const voice: OutboundPort<VoiceMessage> = {
    channel: 'voice',
    provider: 'twilio',
    inTransaction: false,
    async send(message, context) {
      const to = recipient(message.to);
      if (!credentials.from)
        // A Messaging Service cannot place calls; the step moves on to the next channel.
        throw new ProviderError('twilio', 'rejected', 'no caller id: set `from` in the twilio credentials', {
          code: 'no_caller_id',
        });
      return create('voice', message.key, context.now, () =>
        client.calls.create({
          to,
          from: credentials.from!,
          twiml: voiceTwiml(message),
          machineDetection: 'DetectMessageEnd',
          statusCallback: callback(message.key, message.status_callback_url),
          statusCallbackMethod: 'POST',
          // `answered` says who picked up (a person or a machine); `completed` carries the final
          // status: completed, busy, no-answer, failed or canceled.
          statusCallbackEvent: ['answered', 'completed'],
        }),
      );
    },
    fetchStatus(callSid, context) {
      return fetchStatus(context.now, async () => {
        const found = await client.calls(callSid).fetch();
        // answered_by is set once machine detection has decided (null before, or without it).
        return { kind: 'call', sid: found.sid, status: found.status, answeredBy: found.answeredBy };
      });
    },
  };

  return { sms, voice };
}
