import { REG_F_ELECTRONIC_OPT_OUT, TCPA_CONSENT, TCPA_OPT_OUT_CONFIRMATION } from '../rules/federal-contact.ts';
import { ALLOWED, blocked, type ContactAttempt, type GuardBlock, type GuardResult } from './types.ts';

type ConsentInput = Pick<
  ContactAttempt,
  'channel' | 'at' | 'consents' | 'revoked' | 'purpose' | 'confirmationAlreadySent' | 'optOutAt'
>;

const MINUTE_MS = 60_000;

/**
 * The TCPA binds everyone, landlords and commercial debts included, so unlike Reg F this does not
 * look at the debt. We ask for consent before every call, not only autodialled or prerecorded
 * ones: the dialler a customer plugs in may be either, and we cannot tell from here.
 */
function tcpa(attempt: ConsentInput, channel: 'sms' | 'call', consented: boolean | undefined): GuardResult {
  // A revocation outranks a consent flag that has not caught up yet; the law allows 10 business
  // days to honour it, we honour it at once.
  if (attempt.revoked.includes(channel)) return blocked('consent_revoked', TCPA_CONSENT);
  return consented === true ? ALLOWED : blocked('no_consent', TCPA_CONSENT);
}

/** Whether the one confirmation may go out at `sendAt`: only within the FCC's minutes of the opt-out. */
export function checkConfirmationWindow(optOutAt: Date, sendAt: Date): GuardResult {
  const window = TCPA_OPT_OUT_CONFIRMATION.params.within_minutes * MINUTE_MS;
  return sendAt.getTime() - optOutAt.getTime() > window
    ? blocked('confirmation_window_passed', TCPA_OPT_OUT_CONFIRMATION)
    : ALLOWED;
}

/**
 * A confirmation the hour holds back (an opt-out at 23:30): it may wait for `retryAt` only while
 * that is still within the window. Otherwise it is dropped, never sent late: the text is optional,
 * and one in the morning would be a text the tenant asked not to get. Without the opt-out instant
 * or a next allowed instant we cannot show it would be in time, so it is dropped too.
 */
export function deferConfirmation(
  optOutAt: Date | undefined,
  retryAt: Date | undefined,
): { readonly ok: true; readonly retryAt: Date } | GuardBlock {
  if (optOutAt === undefined || retryAt === undefined)
    return blocked('confirmation_window_passed', TCPA_OPT_OUT_CONFIRMATION);
  const inTime = checkConfirmationWindow(optOutAt, retryAt);
  return inTime.ok ? { ok: true, retryAt } : inTime;
}

/**
 * The one text the FCC allows after an opt-out. It needs no consent (it answers the tenant's own
 * message) and is allowed whether or not the revocation is recorded yet, so write order upstream
 * does not matter. With `optOutAt` we also hold it to the FCC's minutes; without it we cannot.
 */
function confirmation(attempt: ConsentInput): GuardResult {
  if (attempt.confirmationAlreadySent === true) return blocked('confirmation_already_sent', TCPA_CONSENT);
  return attempt.optOutAt === undefined ? ALLOWED : checkConfirmationWindow(attempt.optOutAt, attempt.at);
}

/**
 * Consent and opt-outs per channel. Email needs no prior consent, but an email opt-out is honoured
 * for every collector (Reg F requires it of collectors; for anyone else it is simply decent).
 * Letters cannot be refused: statutory notices must still be served.
 */
export function checkConsent(attempt: ConsentInput): GuardResult {
  switch (attempt.channel) {
    case 'letter':
    case 'certified_letter':
      return ALLOWED;
    case 'email':
      return attempt.revoked.includes('email') ? blocked('consent_revoked', REG_F_ELECTRONIC_OPT_OUT) : ALLOWED;
    case 'sms':
      return attempt.purpose === 'opt_out_confirmation'
        ? confirmation(attempt)
        : tcpa(attempt, 'sms', attempt.consents.sms);
    case 'call':
      // A confirmation is a text; by phone it would be an ordinary call and needs consent.
      return tcpa(attempt, 'call', attempt.consents.voice);
    default: {
      const unreachable: never = attempt.channel;
      throw new Error(`Unknown channel ${String(unreachable)}`);
    }
  }
}
