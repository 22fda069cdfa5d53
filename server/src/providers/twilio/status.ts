import type { FetchedStatus } from '../../ports/port.ts';
import { ProviderError } from '../../ports/index.ts';
import { WebhookRejected } from '../../webhooks/scheme.ts';
import { twilioScheme } from '../../webhooks/schemes/twilio.ts';

/** The fields of a fetched Message or Call resource that say how it went (the SDK's camelCase). */
export type FetchedResource =
  | { kind: 'message'; sid: string; status: string; errorCode?: number | null }
  | { kind: 'call'; sid: string; status: string; answeredBy?: string | null };

/**
 * Maps a fetched Message or Call resource to a delivery status with the webhook scheme's own
 * mapping (webhooks/schemes/twilio.ts): the resource's fields are handed to the scheme as the
 * status callback that would report them (MessageStatus and ErrorCode; CallStatus and
 * AnsweredBy), so a fetched status and a callback can never disagree on what a Twilio status
 * means. A status the scheme does not know (a newer Twilio status, say) is not guessed at: it
 * fails as `rejected`, and the worker falls back to the verified report, saying why.
 */
export function fetchedStatusOf(resource: FetchedResource): FetchedStatus {
  const form = new URLSearchParams(
    resource.kind === 'message'
      ? {
          MessageSid: resource.sid,
          MessageStatus: resource.status,
          ...(resource.errorCode ? { ErrorCode: String(resource.errorCode) } : {}),
        }
      : {
          CallSid: resource.sid,
          CallStatus: resource.status,
          ...(resource.answeredBy ? { AnsweredBy: resource.answeredBy } : {}),
        },
  );
  let events;
  try {
    events = twilioScheme.parse({ rawBody: Buffer.from(form.toString(), 'utf8'), headers: {}, url: 'about:blank' });
  } catch (error) {
    if (!(error instanceof WebhookRejected)) throw error;
    throw new ProviderError(
      'twilio',
      'rejected',
      `Twilio reports ${resource.kind} status ${resource.status}: ${error.message}`,
      {
        code: 'unmapped_status',
      },
    );
  }
  const [event] = events;
  if (event?.kind !== 'delivery_status')
    throw new ProviderError('twilio', 'rejected', `Twilio reports ${resource.kind} status ${resource.status}`, {
      code: 'unmapped_status',
    });
  return { status: event.status, ...(event.reason ? { reason: event.reason } : {}) };
}
