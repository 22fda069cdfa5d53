import type { PolicyDocument } from '@arrears/shared';
import { addCalendarDays } from '../time/zoned.ts';
import { zonedInstant } from '../time/zoned.ts';
import type { NewEffect } from './effects.ts';
import type { LeaseFacts } from './facts.ts';
import { matches } from './steps.ts';

/** The rent due date of the month a day falls in, clamped to the month's last day. */
export function rentDueOn(month: string, dueDay: number): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const last = m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  return `${month.slice(0, 7)}-${String(Math.min(dueDay, last)).padStart(2, '0')}`;
}

/**
 * Reminders before the due date. Skipped for autopay tenants (the autopay covers it) and when
 * credit on account already covers the rent; a reminder is useful only until the due day.
 */
export function reminderEffects(policy: PolicyDocument, facts: LeaseFacts): NewEffect[] {
  if (policy.reminders.length === 0 || facts.lease.autopay || facts.lease.moved_out_on) return [];
  if (facts.unapplied_credit_cents >= facts.lease.rent_cents) return [];
  const effects: NewEffect[] = [];
  const thisMonth = rentDueOn(facts.today, facts.lease.due_day);
  const nextMonth = rentDueOn(addCalendarDays(`${facts.today.slice(0, 7)}-28`, 7), facts.lease.due_day);
  for (const due of [thisMonth, nextMonth]) {
    if (due <= facts.today) continue;
    // Already posted and nothing of it open: paid ahead, nothing to remind about.
    if (
      facts.posted_rent_due?.includes(due) &&
      !facts.open_charges.some((c) => c.due_on === due && c.charge_type === 'rent')
    )
      continue;
    for (const reminder of policy.reminders) {
      if (!matches(reminder.when, facts)) continue;
      const day = addCalendarDays(due, -reminder.days_before_due);
      if (day > facts.today) continue;
      effects.push({
        key: `${facts.lease.id}:${reminder.id}:${due}`,
        type: reminder.channel,
        status: 'scheduled',
        due_at: zonedInstant(facts.today, reminder.at, facts.property.timezone),
        step_id: reminder.id,
        anchor_due_on: due,
        payload: { template: reminder.template ?? reminder.id, reminder: true, due_on: due },
      });
    }
  }
  return effects;
}
