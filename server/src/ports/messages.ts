import type { OutboundBase } from './port.ts';

export interface EmailMessage extends OutboundBase {
  to: { email: string; name?: string }[];
  subject: string;
  /** The rendered text: what the sandbox shows and the audit hashes. */
  text: string;
  /** A provider-side template (SendGrid dynamic template) and the data it fills in. */
  template?: { id: string; data: Record<string, unknown> };
  /** Echoed back in the provider's delivery events, so a bounce finds its effect. */
  custom_args: { effect_key: string; org_id: string };
}

export interface SmsMessage extends OutboundBase {
  /** E.164. */
  to: string;
  body: string;
  /** Where the provider reports delivery (signed; carries the effect key). */
  status_callback_url?: string;
}

export interface VoiceMessage extends OutboundBase {
  to: string;
  /** Spoken when a person answers. */
  say: string;
  /** Left after the beep when a machine answers. */
  voicemail: string;
  status_callback_url?: string;
}

export interface LetterMessage extends OutboundBase {
  to: { name: string; address: string }[];
  /** The letter's "Re:" line or the notice's title. */
  subject?: string;
  body: string;
  certified: boolean;
}

/** Non-contact effects: a CRM flag, an agent task, a ticket, a document to sign, … */
export interface RecordMessage extends OutboundBase {
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
}
