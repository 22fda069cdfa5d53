import type { KnownEffect } from './facts.ts';

/**
 * Key comparisons linear lookups may spend before the ledger is indexed by key once and for all:
 * a lookup scans the whole list, and for the few lookups of a decision over a lease's few dozen
 * entries that is cheaper than hashing every key into a Map (measured: bench/src/engine.ts).
 */
const LINEAR_BUDGET = 400;

/**
 * The lease's action ledger during one decision: what the caller read, plus what this decision
 * created and changed, by key (a later entry with the same key replaces an earlier one, as in a
 * `Map` built from the list). Most decisions look up a handful of keys and change nothing, so
 * the `Map` is built only once a decision changes an entry or has looked up enough keys that
 * scanning the list costs more than indexing it; until then lookups scan the list. Either way every answer — and the order `values()` visits
 * entries in — is the same as a `Map` built from the list and updated in call order.
 */
export class KnownEffects {
  private readonly base: readonly KnownEffect[];
  /** Entries created while no index exists: keys not in `base`, in creation order. */
  private added: KnownEffect[] | null = null;
  private index: Map<string, KnownEffect> | null = null;
  private budget = LINEAR_BUDGET;

  constructor(base: readonly KnownEffect[]) {
    this.base = base;
  }

  /** The key-indexed ledger, built on first need; from then on the only copy. */
  map(): Map<string, KnownEffect> {
    let index = this.index;
    if (index) return index;
    index = new Map();
    const base = this.base;
    for (let i = 0; i < base.length; i++) index.set(base[i]!.key, base[i]!);
    if (this.added) for (const effect of this.added) index.set(effect.key, effect);
    this.added = null;
    this.index = index;
    return index;
  }

  get(key: string): KnownEffect | undefined {
    if (this.index) return this.index.get(key);
    if ((this.budget -= this.base.length) < 0) return this.map().get(key);
    if (this.added) for (const effect of this.added) if (effect.key === key) return effect;
    // The last entry with the key is the one a Map would hold.
    const base = this.base;
    for (let i = base.length - 1; i >= 0; i--) if (base[i]!.key === key) return base[i];
    return undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Records an entry whose key is not on record yet (the caller checked): it goes last. */
  add(effect: KnownEffect): void {
    if (this.index) this.index.set(effect.key, effect);
    else (this.added ??= []).push(effect);
  }

  /** Records an entry: a new key goes last, an existing key keeps its place. */
  set(effect: KnownEffect): void {
    if (!this.index && !this.has(effect.key)) (this.added ??= []).push(effect);
    else this.map().set(effect.key, effect);
  }

  /** Every entry (the last one per key) in first-seen key order, as a Map's `values()`. */
  values(): IterableIterator<KnownEffect> {
    return this.map().values();
  }

  /** Calls `visit` for every entry that satisfies `test`, in no promised order (base order without an index). */
  each(test: (effect: KnownEffect) => boolean, visit: (effect: KnownEffect) => void): void {
    if (this.index) {
      for (const effect of this.index.values()) if (test(effect)) visit(effect);
      return;
    }
    const base = this.base;
    for (let i = 0; i < base.length; i++) if (test(base[i]!) && this.isCurrent(i)) visit(base[i]!);
    if (this.added) for (const effect of this.added) if (test(effect)) visit(effect);
  }

  /** Whether any entry satisfies `test`; needs no index (order does not matter here). */
  some(test: (effect: KnownEffect) => boolean): boolean {
    if (this.index) {
      for (const effect of this.index.values()) if (test(effect)) return true;
      return false;
    }
    const base = this.base;
    for (let i = 0; i < base.length; i++) if (test(base[i]!) && this.isCurrent(i)) return true;
    if (this.added) for (const effect of this.added) if (test(effect)) return true;
    return false;
  }

  /** The first entry, in `values()` order, that satisfies `test`. */
  find(test: (effect: KnownEffect) => boolean): KnownEffect | undefined {
    // Nothing on record satisfies it: the answer is among this decision's own entries, if any.
    if (!this.index && !this.listed(test)) return this.added?.find(test);
    for (const effect of this.map().values()) if (test(effect)) return effect;
    return undefined;
  }

  /**
   * Whether any entry ever recorded — read, created or since replaced — satisfies `test`: false
   * means no entry does, cheaply (no index, no check for later entries with the same key).
   */
  mightSome(test: (effect: KnownEffect) => boolean): boolean {
    if (this.listed(test)) return true;
    if (this.index) {
      for (const effect of this.index.values()) if (test(effect)) return true;
    } else if (this.added) for (const effect of this.added) if (test(effect)) return true;
    return false;
  }

  /** Whether any entry of the list as read satisfies `test`. */
  private listed(test: (effect: KnownEffect) => boolean): boolean {
    const base = this.base;
    for (let i = 0; i < base.length; i++) if (test(base[i]!)) return true;
    return false;
  }

  /** No index yet: whether `base[i]` is the entry its key stands for (no later one replaces it). */
  private isCurrent(i: number): boolean {
    const base = this.base;
    const key = base[i]!.key;
    for (let j = i + 1; j < base.length; j++) if (base[j]!.key === key) return false;
    return true;
  }
}
