// Day arithmetic over a policy's levels: which days each level covers, and whether two meet.

/**
 * A level's days without an explicit max run up to the day before the next level starts, so
 * the usual "L1 from 10 days, L2 from 30" never overlaps; an explicit max that reaches into
 * the next level does.
 */
export function effectiveDayRanges(levels: readonly { days: { min?: number; max?: number } }[]): {
  min: number;
  max: number;
}[] {
  return levels.map((level, i) => {
    const later = levels.slice(i + 1).find((l) => (l.days.min ?? 0) > (level.days.min ?? 0));
    const implicitMax = later ? (later.days.min ?? 0) - 1 : Number.POSITIVE_INFINITY;
    return { min: level.days.min ?? 0, max: level.days.max ?? implicitMax };
  });
}

export function overlaps(a: { min?: number; max?: number }, b: { min?: number; max?: number }): boolean {
  const aMin = a.min ?? 0;
  const bMin = b.min ?? 0;
  const aMax = a.max ?? Number.POSITIVE_INFINITY;
  const bMax = b.max ?? Number.POSITIVE_INFINITY;
  return aMin <= bMax && bMin <= aMax;
}
