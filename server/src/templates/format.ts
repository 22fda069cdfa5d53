import type { Language } from './language.ts';

/**
 * Money as US tenants read it in either language ("$2,150.00"; US Spanish writes dollars the
 * same way). Integer cents in, never floating-point arithmetic on the amount.
 */
export function money(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(cents));
  const dollars = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}$${dollars}.${String(abs % 100).padStart(2, '0')}`;
}

const LONG_DATES: Record<Language, Intl.DateTimeFormat> = {
  en: new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }),
  es: new Intl.DateTimeFormat('es-US', { dateStyle: 'long', timeZone: 'UTC' }),
};

/**
 * A local day (`YYYY-MM-DD`, already the property's) as words: "March 1, 2026" / "1 de marzo de
 * 2026". Formatted at UTC because the string is a calendar day, not an instant: no zone may
 * move it. Anything that is not a day is shown as given.
 */
export function longDate(day: string, language: Language): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return day;
  return LONG_DATES[language].format(new Date(`${day}T00:00:00Z`));
}
