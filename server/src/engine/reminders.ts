import type { PolicyDocument } from '@arrears/shared';
import { civilDay } from '../time/civil-days.ts';
import { addDays, dayName, dayNumber, instant, monthIndex } from './days.ts';
import type { NewEffect } from './effects.ts';
import type { LeaseFacts } from './facts.ts';
import { matches } from './steps.ts';

/** The rent due date of the month a day falls in, clamped to the month's last day. */
export function rentDueOn(month: string, dueDay: number): string {
  const index = monthIndex(month);
  if (index >= 0 && dueDay >= 1 && dueDay <= 31 && (dueDay | 0) === dueDay) return dueIn(index, dueDay);
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const last = m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  return `${month.slice(0, 7)}-${String(Math.min(dueDay, last)).padStart(2, '0')}`;
}

/** The rent due date of the month after the one a day falls in: `rentDueOn(<the 28th> + 7 days, dueDay)`. */
export function nextRentDueOn(day: string, dueDay: number): string {
  const index = monthIndex(day);
  // The month after December 9999 has a five-digit year: the general path.
  if (index >= 0 && index < 9999 * 12 + 11 && dueDay >= 1 && dueDay <= 31 && (dueDay | 0) === dueDay)
    return dueIn(index + 1, dueDay);
  return rentDueOn(addDays(`${day.slice(0, 7)}-28`, 7), dueDay);
}

/** `YYYY-MM-DD` of day `dueDay` (1–31, clamped to the month's last day) of month `year * 12 + month - 1`. */
function dueIn(index: number, dueDay: number): string {
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const last = m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  return dayName(civilDay(y, m, Math.min(dueDay, last)));
}

const EARLIEST = new WeakMap<PolicyDocument, number>();

/** The most days before the due date any reminder goes out (-Infinity: none); policies are immutable. */
export function earliestReminder(policy: PolicyDocument): number {
  let earliest = EARLIEST.get(policy);
  if (earliest === undefined)
    EARLIEST.set(policy, (earliest = Math.max(...policy.reminders.map((r) => r.days_before_due))));
  return earliest;
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
  const nextMonth = nextRentDueOn(facts.today, facts.lease.due_day);
  const today = dayNumber(facts.today);
  const earliest = earliestReminder(policy);
  const whole = policy.reminders.every((r) => Number.isInteger(r.days_before_due));
  for (const due of [thisMonth, nextMonth]) {
    if (due <= facts.today) continue;
    // Every reminder's day (due − days_before_due) is after today: none goes out for this date.
    if (today === today && whole && dayNumber(due) - earliest > today) continue;
    // Already posted and nothing of it open: paid ahead, nothing to remind about.
    if (
      facts.posted_rent_due?.includes(due) &&
      !facts.open_charges.some((c) => c.due_on === due && c.charge_type === 'rent')
    )
      continue;
    for (const reminder of policy.reminders) {
      if (!matches(reminder.when, facts)) continue;
      const day = addDays(due, -reminder.days_before_due);
      if (day > facts.today) continue;
      effects.push({
        key: `${facts.lease.id}:${reminder.id}:${due}`,
        type: reminder.channel,
        status: 'scheduled',
        due_at: instant(facts.today, reminder.at, facts.property.timezone),
        step_id: reminder.id,
        anchor_due_on: due,
        payload: { template: reminder.template ?? reminder.id, reminder: true, due_on: due },
      });
    }
  }
  return effects;
}
