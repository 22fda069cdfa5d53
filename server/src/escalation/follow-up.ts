/** Contacts whose delivery the engine never plans on: a reminder, a call, a plain letter. */
const PLAIN_CONTACTS = new Set(['email', 'sms', 'call', 'letter']);

/**
 * Whether a dispatched effect can change the engine's next decision, so the lease is evaluated
 * again at once. A plain contact sent changes nothing it plans on — the next day-group waits a
 * day anyway, and the lease's timer is already set — so it needs no follow-up evaluation (a
 * third of the runner's jobs per effect). A fee posted, a notice served, a placement, anything
 * blocked or suppressed, still gets one. `arrears simulate` follows the same rule.
 */
export function changesTheDecision(type: string, status: string): boolean {
  return !(status === 'sent' && PLAIN_CONTACTS.has(type));
}
