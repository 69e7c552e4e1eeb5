import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import * as yaml from 'js-yaml';
import { keyRing, KeyRing } from '../secrets/keks';
import { PLATFORM_SECRET_PURPOSE } from '../secrets/purposes';
import { isSealed, open } from '../secrets/sealed';
import { AppConfig } from './config.schema';

type Env = Record<string, string | undefined>;
type Plain = Record<string, unknown>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

/**
 * The `config` directory beside the compiled or source tree: the nearest ancestor that has one. The
 * code runs from src/ (tests), dist/ (production) and a benchmark build, each nested differently.
 */
export const CONFIG_DIR = findConfigDir(__dirname);

function findConfigDir(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'config');
    if (existsSync(join(candidate, 'default.yaml'))) return candidate;
    if (dirname(dir) === dir) throw new ConfigError([`no config/default.yaml above ${from}`]);
  }
}

/** Environment variables fixed by DESIGN section 9, and the config key each one sets. */
const ENV_KEYS: Record<string, string> = {
  DATABASE_URL: 'database.url',
  REDIS_URL: 'redis.url',
  PORT: 'http.port',
  SCHEDULER_ENABLED: 'scheduler.enabled',
  SIGNING_KEY_DIR: 'signing.keyDir',
  CREDIT_PLATFORM_URL: 'creditPlatform.url',
  CREDIT_PLATFORM_CLIENT_ID: 'creditPlatform.clientId',
  CREDIT_PLATFORM_SECRET: 'creditPlatform.secret',
  OUTBOUND_HTTP_ALLOW: 'outbound.allow',
  LOG_LEVEL: 'log.level',
  GATEWAY_ROLES: 'runtime.roles',
  GATEWAY_CLOCK_START: 'clock.start',
  METRICS_TOKEN: 'metrics.token',
  SECRETS_KEK: 'secrets.kek',
  SECRETS_PREVIOUS_KEKS: 'secrets.previousKeks',
};

export interface LoadConfigOptions {
  env?: Env;
  /** Values merged last, for tests and tools (e.g. a scratch database). */
  overrides?: Plain;
}

/** Reads config/default.yaml, the NODE_ENV overlay and the environment; validates; throws ConfigError naming each bad key. */
export function loadConfig(options: LoadConfigOptions = {}): AppConfig {
  const env = options.env ?? process.env;
  let merged: Plain = readYaml('default.yaml');
  if (env.NODE_ENV) merged = deepMerge(merged, readYaml(`${env.NODE_ENV}.yaml`, true));
  // GATEWAY_CONFIG names one more YAML file (absolute, or relative to the working directory) for a deployment's own values.
  if (env.GATEWAY_CONFIG) merged = deepMerge(merged, readYaml(resolve(env.GATEWAY_CONFIG)));
  merged = deepMerge(merged, fromEnv(env));
  // GATEWAY_CLOCK alone decides whether time is simulated (DESIGN section 3): no file can switch a deployment
  // onto a clock that an admin may move.
  merged = deepMerge(merged, { clock: { mode: clockMode(env.GATEWAY_CLOCK) } });
  if (options.overrides) merged = deepMerge(merged, options.overrides);
  return validateConfig(merged);
}

export function validateConfig(plain: Plain): AppConfig {
  const config = plainToInstance(AppConfig, plain);
  const errors = validateSync(config, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  const problems = errors.flatMap((e) => describe(e, ''));
  if (problems.length === 0) problems.push(...crossChecks(config));
  if (problems.length) throw new ConfigError(problems);
  return config;
}

function crossChecks(config: AppConfig): string[] {
  const problems: string[] = [];
  try {
    new Intl.DateTimeFormat('en', { timeZone: config.jurisdiction.timeZone });
  } catch {
    problems.push(`jurisdiction.timeZone: unknown time zone "${config.jurisdiction.timeZone}"`);
  }
  const departments = new Set(config.jurisdiction.departments.map((d) => d.code));
  const counties = config.jurisdiction.counties.map((c) => c.code);
  if (new Set(counties).size !== counties.length) problems.push('jurisdiction.counties: codes must be unique');
  for (const d of config.enterprises.masterDataDepartments) {
    if (!departments.has(d)) problems.push(`enterprises.masterDataDepartments: unknown department "${d}"`);
  }
  if (config.clock.start && Number.isNaN(Date.parse(config.clock.start))) problems.push('clock.start: not a real instant');
  for (const [dimension, rule] of Object.entries(config.dimensions)) {
    for (const d of rule.departments) {
      if (!departments.has(d)) problems.push(`dimensions.${dimension}.departments: unknown department "${d}"`);
    }
    if (rule.repair.minMonths > rule.repair.maxMonths) {
      problems.push(`dimensions.${dimension}.repair.minMonths: must not exceed repair.maxMonths`);
    }
    if (rule.extension.allowed && (rule.extension.maxMonths < 1 || rule.extension.maxCount < 1)) {
      problems.push(`dimensions.${dimension}.extension: an allowed extension needs maxMonths and maxCount of at least 1`);
    }
  }
  const { refreshMs, maxStaleMs } = config.restrictions.mirror;
  if (refreshMs >= maxStaleMs) problems.push('restrictions.mirror.refreshMs: must be less than restrictions.mirror.maxStaleMs');
  problems.push(...openPlatformSecret(config));
  // A push still running when its minute is rolled up would never be counted.
  if (config.stats.settleMs <= config.delivery.timeoutMs) problems.push('stats.settleMs: must exceed delivery.timeoutMs');
  if (config.stats.hourRetentionDays < config.stats.minuteRetentionDays) problems.push('stats.hourRetentionDays: must not be less than stats.minuteRetentionDays');
  return problems;
}

/** Checks the key-encryption keys, and opens a sealed platform secret so that the rest sees it in clear. */
function openPlatformSecret(config: AppConfig): string[] {
  let ring: KeyRing | null;
  try {
    ring = keyRing(config, { create: false });
  } catch (e) {
    return [`secrets: ${(e as Error).message}`];
  }
  const sealed = config.creditPlatform.secret;
  if (!isSealed(sealed)) return [];
  if (!ring) return ['creditPlatform.secret: sealed, but no key-encryption key is configured (SECRETS_KEK)'];
  try {
    config.creditPlatform.secret = open(sealed, ring.opening, PLATFORM_SECRET_PURPOSE);
  } catch (e) {
    return [`creditPlatform.secret: ${(e as Error).message}`];
  }
  return /^whsec_[A-Za-z0-9+/=]{16,}$/.test(config.creditPlatform.secret) ? [] : ['creditPlatform.secret: the sealed value is not a whsec_ secret'];
}

function describe(error: ValidationError, prefix: string): string[] {
  const path = prefix ? `${prefix}.${error.property}` : error.property;
  const own = Object.values(error.constraints ?? {}).map((m) => `${path}: ${m.replace(`${error.property} `, '')}`);
  return own.concat((error.children ?? []).flatMap((c) => describe(c, path)));
}

function readYaml(name: string, optional = false): Plain {
  const file = resolve(CONFIG_DIR, name);
  if (!existsSync(file)) {
    if (optional) return {};
    throw new ConfigError([`${name}: file not found in ${CONFIG_DIR}`]);
  }
  const parsed = yaml.load(readFileSync(file, 'utf8'));
  if (parsed == null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError([`${name}: must hold a mapping`]);
  return parsed as Plain;
}

function fromEnv(env: Env): Plain {
  const out: Plain = {};
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    setPath(out, key, coerce(key, raw));
  }
  return out;
}

function clockMode(raw: string | undefined): 'system' | 'simulated' {
  if (raw === undefined || raw === '' || raw === 'system') return 'system';
  if (raw === 'simulated') return 'simulated';
  throw new ConfigError([`GATEWAY_CLOCK: must be "simulated" or unset (got "${raw.slice(0, 40)}")`]);
}

function coerce(key: string, raw: string): unknown {
  if (key === 'outbound.allow' || key === 'runtime.roles' || key === 'secrets.previousKeks') return raw.split(',').map((h) => h.trim()).filter(Boolean);
  if (key === 'http.port') return /^\d+$/.test(raw) ? Number(raw) : raw;
  if (key === 'scheduler.enabled') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return raw;
}

function setPath(target: Plain, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Plain;
  node[parts[parts.length - 1]] = value;
}

function deepMerge(base: Plain, over: Plain): Plain {
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlain(b) && isPlain(v) ? deepMerge(b, v) : v;
  }
  return out;
}

function isPlain(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
