/** The languages Arrears writes to tenants in. Every template exists in each (templates.test.ts). */
export const LANGUAGES = ['en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * The language a tenant is written to in, from their stored tag (`es`, `es-MX`, `EN_us`, …):
 * its primary subtag when Arrears has templates in it, else English. `fallback` says when the
 * tenant asked for one we do not have, so the record shows it rather than hiding it.
 */
export function languageOf(tag: string | null | undefined): { language: Language; fallback: boolean } {
  const primary = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0] ?? '';
  if ((LANGUAGES as readonly string[]).includes(primary)) return { language: primary as Language, fallback: false };
  return { language: 'en', fallback: primary !== '' };
}
