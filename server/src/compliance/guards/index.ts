export { evaluateAllGuards, evaluateSendGuards } from './evaluate.ts';
export { checkBankruptcy, checkDeceased, checkScrub } from './scrub.ts';
export { checkConfirmationWindow, checkConsent, deferConfirmation } from './consent.ts';
export { checkQuietHours, isConvenient, nextAllowedInstant } from './quiet-hours.ts';
export {
  callsInWindow,
  checkCallAfterConversation,
  checkCallCap,
  checkCallFrequency,
  nextCallAllowedInstant,
} from './call-frequency.ts';
export { classifyInbound, OPT_OUT_KEYWORDS, type InboundIntent } from './inbound-keywords.ts';
export { regFApplies } from './types.ts';
export type {
  ContactAttempt,
  ContactZones,
  DebtCapacity,
  GuardBlock,
  GuardReason,
  GuardResult,
  RevocableChannel,
} from './types.ts';
