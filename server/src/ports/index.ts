import type { EmailMessage, LetterMessage, RecordMessage, SmsMessage, VoiceMessage } from './messages.ts';
import type { Channel, OutboundPort } from './port.ts';

/** The ports a runner dispatches through; built from stored credentials (providers/registry.ts). */
export interface Ports {
  email: OutboundPort<EmailMessage>;
  sms: OutboundPort<SmsMessage>;
  voice: OutboundPort<VoiceMessage>;
  letter: OutboundPort<LetterMessage>;
  records: Record<Exclude<Channel, 'email' | 'sms' | 'voice' | 'letter'>, OutboundPort<RecordMessage>>;
}

export type { Channel, Delivery, OutboundBase, OutboundPort, SendContext } from './port.ts';
export { CHANNELS } from './port.ts';
export type { EmailMessage, LetterMessage, RecordMessage, SmsMessage, VoiceMessage } from './messages.ts';
export { ProviderError, isRetryable, kindOfStatus, parseRetryAfter, type ProviderErrorKind } from './errors.ts';
