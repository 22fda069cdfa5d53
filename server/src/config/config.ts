import path from 'node:path';
import { z } from 'zod';

const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

const booleanFlag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'], { message: 'expected one of 1, 0, true, false, yes, no' })
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

/** The environment variables Arrears reads, in one place, with their defaults. */
export const EnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL')
    .optional(),
  ARREARS_DATA_DIR: z.string().min(1).default('./.arrears'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce
    .number({ message: 'expected a port number' })
    .int('expected a whole number')
    .min(0, 'expected 0–65535')
    .max(65535, 'expected 0–65535')
    .default(3000),
  LOG_LEVEL: LogLevel.default('info'),
  ARREARS_DEMO: booleanFlag.default(true),
  ARREARS_DEMO_SEED: z.coerce.number().int('expected a whole number').default(20260301),
  ARREARS_DB_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'expected a lower-case SQL identifier')
    .optional(),
  ARREARS_DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  ARREARS_JOBS_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'expected a lower-case SQL identifier')
    .default('arrears_jobs'),
  // Without its trailing slash: providers sign the URL they call, which is this plus the path, and
  // `https://host/` + `/webhooks/…` would be a URL nobody calls (Twilio's signatures all failed).
  ARREARS_PUBLIC_URL: z
    .url({ message: 'expected an http(s) URL' })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  ARREARS_SCAN_CRON: z.string().min(9, 'expected a 5-field cron expression').default('5 * * * *'),
  ARREARS_WORKER_BATCH: z.coerce.number().int().min(1).max(1000).default(500),
  ARREARS_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(200).optional(),
  ARREARS_JOB_EXPIRE_SECONDS: z.coerce.number().int().min(3).max(86_400).default(300),
  ARREARS_SECRET_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'expected 32 random bytes, base64-encoded')
    .optional(),
  ARREARS_APP_ROLE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'expected a lower-case SQL identifier')
    .default('arrears_app'),
});

export interface Config {
  database: { kind: 'postgres'; url: string; poolMax: number; schema?: string } | { kind: 'embedded'; dataDir: string };
  appRole: string;
  /** Base64 AES-256 key for secrets at rest; embedded mode generates one beside the data. */
  secretKey?: string;
  http: { host: string; port: number; publicUrl?: string };
  jobs: { schema: string; scanCron: string; batchSize: number; concurrency: number; expireInSeconds: number };
  logLevel: z.infer<typeof LogLevel>;
  demo: { enabled: boolean; seed: number };
}

export class ConfigError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Parses the environment once. Every problem is listed at the same time, by variable name,
 * so a misconfigured deployment is fixed in one pass instead of one restart per typo.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings are "unset": shells and .env files produce them for cleared variables.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.');
        const given = env[name];
        // A secret is never echoed back, not even a malformed one.
        const shown =
          given === undefined || /SECRET|KEY|TOKEN/.test(name) ? '' : ` (got ${JSON.stringify(redactUrl(given))})`;
        return `${name}: ${issue.message}${shown}`;
      }),
    );
  }
  const e = parsed.data;
  return {
    database: e.DATABASE_URL
      ? {
          kind: 'postgres',
          url: e.DATABASE_URL,
          poolMax: e.ARREARS_DB_POOL_MAX,
          ...(e.ARREARS_DB_SCHEMA ? { schema: e.ARREARS_DB_SCHEMA } : {}),
        }
      : { kind: 'embedded', dataDir: path.resolve(e.ARREARS_DATA_DIR) },
    appRole: e.ARREARS_APP_ROLE,
    ...(e.ARREARS_SECRET_KEY ? { secretKey: e.ARREARS_SECRET_KEY } : {}),
    http: { host: e.HOST, port: e.PORT, ...(e.ARREARS_PUBLIC_URL ? { publicUrl: e.ARREARS_PUBLIC_URL } : {}) },
    jobs: {
      schema: e.ARREARS_JOBS_SCHEMA,
      scanCron: e.ARREARS_SCAN_CRON,
      batchSize: e.ARREARS_WORKER_BATCH,
      // Embedded PGlite has one connection: jobs take turns there whatever the setting.
      concurrency: e.DATABASE_URL ? Math.min(e.ARREARS_WORKER_CONCURRENCY ?? 4, e.ARREARS_DB_POOL_MAX) : 1,
      expireInSeconds: e.ARREARS_JOB_EXPIRE_SECONDS,
    },
    logLevel: e.LOG_LEVEL,
    demo: { enabled: e.ARREARS_DEMO, seed: e.ARREARS_DEMO_SEED },
  };
}

/** Connection strings carry passwords; never echo one back. */
export function redactUrl(value: string): string {
  return value.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
