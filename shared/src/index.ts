export * from './aging.ts';
export * from './dates.ts';
export * from './errors.ts';
export * from './ledger.ts';
export * from './money.ts';
export * from './policy.ts';
export * from './scenario.ts';
export * from './runner.ts';
