import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { DIMENSIONS, MEASURES } from '../common/domain';

export class HttpConfig {
  @IsInt() @Min(0) @Max(65535) port: number;
  @IsString() @IsNotEmpty() host: string;
  @IsInt() @Min(1024) bodyLimitBytes: number;
  @IsInt() @Min(1024) importBodyLimitBytes: number;
  @IsInt() @Min(1) importMaxRows: number;
  /** Longest line (CSV record or NDJSON line) an import accepts, in characters; a longer one is refused with its line number. */
  @IsInt() @Min(256) @Max(16777216) importMaxLineChars: number;
  @IsBoolean() docs: boolean;
  /** Deepest nesting of objects and arrays a JSON request may have (400 beyond). */
  @IsInt() @Min(2) @Max(256) jsonMaxDepth: number;
  /** Longest array anywhere in a JSON request (400 beyond); endpoints set tighter limits of their own. */
  @IsInt() @Min(1) @Max(1000000) jsonMaxArrayLength: number;
  /** Time a client has to send a whole request, headers and body (408 after it). */
  @IsInt() @Min(1000) requestTimeoutMs: number;
  /** Time a client has to send a request's headers. */
  @IsInt() @Min(1000) headersTimeoutMs: number;
}

export class StartupConfig {
  /** How long a starting process (gateway, CLI, migrations) waits for PostgreSQL and Redis before it gives up (exit 69). */
  @IsInt() @Min(0) @Max(600000) dependencyTimeoutMs: number;
}

export class MetricsConfig {
  /** How often the deliveries' figures are counted (by one scheduler instance, shared through Redis). */
  @IsInt() @Min(100) @Max(3600000) refreshMs: number;
  /** When set, GET /metrics needs `Authorization: Bearer <token>`. */
  @IsString() token: string;
}

export class SecretsConfig {
  /** Key-encryption key `<kid>:<base64 of 32 bytes>` sealing stored secrets (AES-256-GCM); empty: one generated in signing.keyDir. */
  @IsString() kek: string;
  /** Earlier keys, still accepted for opening while `secrets:reseal` moves everything to the new one. */
  @IsArray() @IsString({ each: true }) previousKeks: string[];
}

export class StatsConfig {
  /** How often one scheduler instance rolls new attempts up into per-minute and per-hour figures. */
  @IsInt() @Min(1000) @Max(3600000) rollupMs: number;
  /** Attempts are rolled up once they started this long ago: a push still running by then has timed out. */
  @IsInt() @Min(1000) @Max(3600000) settleMs: number;
  /** How long per-minute figures are kept (charts by the minute reach this far back). */
  @IsInt() @Min(1) @Max(366) minuteRetentionDays: number;
  /** How long per-hour figures are kept (charts by the hour and by the day reach this far back). */
  @IsInt() @Min(1) @Max(3660) hourRetentionDays: number;
}

export class LogConfig {
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) level: string;
}

export class DatabaseConfig {
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// connection string' }) url: string;
  @IsInt() @Min(1) @Max(200) poolSize: number;
}

export class RedisConfig {
  @Matches(/^rediss?:\/\/.+/, { message: 'must be a redis:// connection string' }) url: string;
  /** Prefix of every key the gateway writes (queues, rate counters), so that several deployments can share one Redis. */
  @Matches(/^[A-Za-z0-9_-]{1,40}$/, { message: 'must be 1-40 letters, digits, _ or -' }) keyPrefix: string;
}

export class AuthConfig {
  /** How long a verified key is trusted from memory at most (the fallback should revocation checks fail). */
  @IsInt() @Min(0) cacheTtlMs: number;
  /** How often an instance asks which of the keys it holds in memory were revoked. */
  @IsInt() @Min(100) @Max(60000) revocationCheckMs: number;
}

export class SchedulerConfig {
  @IsBoolean() enabled: boolean;
  @Matches(/^(\S+\s+){4,5}\S+$/, { message: 'must be a cron expression' }) sweepCron: string;
}

export class ClockConfig {
  /** `simulated` only when GATEWAY_CLOCK=simulated (sandboxes, training, black-box tests); `system` otherwise. */
  @IsIn(['system', 'simulated']) mode: 'system' | 'simulated';
  /** The first simulated instant (ISO 8601 with offset), used only while no simulated time is stored yet; empty: now. */
  @Matches(/^$|^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/, {
    message: 'must be empty or an ISO 8601 instant with its offset, e.g. 2026-01-05T09:00:00+08:00',
  })
  start: string;
  /** How often each instance reads the stored simulated time, so that a move made on one reaches every other. */
  @IsInt() @Min(50) @Max(60000) refreshMs: number;
}

export class EnterprisesConfig {
  /**
   * Departments whose keys may change an enterprise's registered name, county or industry once it is known.
   * Any department may register a new enterprise or repeat what is stored; admins may always change it.
   */
  @IsArray() @IsString({ each: true }) masterDataDepartments: string[];
}

export class SigningConfig {
  @IsString() @IsNotEmpty() keyDir: string;
}

export class CreditPlatformConfig {
  /** Base URL of the platform's API; the connector calls {url}/v1/records:batch and {url}/v1/records. */
  @Matches(/^https?:\/\/.+/, { message: 'must be an http(s) URL' }) url: string;
  @IsString() @IsNotEmpty() clientId: string;
  /** A Standard Webhooks secret (whsec_...), or one sealed with `secrets:seal` (enc:v1:...); empty leaves platform deliveries pending. */
  @Matches(/^(whsec_[A-Za-z0-9+/=]{16,}|enc:v1:[A-Za-z0-9_.-]+:[A-Za-z0-9+/=]+)?$/, { message: 'must be empty, a whsec_ secret or a sealed one (enc:v1:...)' })
  secret: string;
  @IsInt() @Min(1) @Max(5000) batchSize: number;
  /** Batches in flight at once. */
  @IsInt() @Min(1) maxConcurrency: number;
  @Matches(/^(\S+\s+){4,5}\S+$/, { message: 'must be a cron expression' }) syncCron: string;
  @Matches(/^(\S+\s+){4,5}\S+$/, { message: 'must be a cron expression' }) reconcileCron: string;
  /** `source` the gateway names itself with on the platform. */
  @IsString() @IsNotEmpty() source: string;
}

export class OutboundConfig {
  @IsArray() @IsString({ each: true }) allow: string[];
}

export class SubscriptionsConfig {
  /** Hours a rotated-out signing secret still signs pushes beside the new one. */
  @IsInt() @Min(0) @Max(720) secretOverlapHours: number;
  /** Pushes in flight at once to a new subscription that names none. */
  @IsInt() @Min(1) @Max(100) defaultMaxConcurrency: number;
  /** Pushes per second to a new subscription that names none. */
  @IsInt() @Min(1) @Max(10000) defaultRatePerSecond: number;
}

export class CodeName {
  @IsString() @IsNotEmpty() code: string;
  @IsString() @IsNotEmpty() name: string;
}

export class JurisdictionConfig {
  @IsString() @IsNotEmpty() name: string;
  @IsString() @IsNotEmpty() timeZone: string;
  @IsArray() @ArrayNotEmpty() @ValidateNested({ each: true }) @Type(() => CodeName) counties: CodeName[];
  @IsArray() @ArrayNotEmpty() @ValidateNested({ each: true }) @Type(() => CodeName) departments: CodeName[];
}

export class ExtensionRule {
  @IsBoolean() allowed: boolean;
  @IsInt() @Min(0) @Max(120) maxMonths: number;
  @IsInt() @Min(0) @Max(10) maxCount: number;
}

export class RepairRule {
  @IsInt() @Min(0) @Max(600) minMonths: number;
  @IsInt() @Min(1) @Max(600) maxMonths: number;
}

export class DimensionRule {
  @IsArray() @ArrayNotEmpty() @IsString({ each: true }) departments: string[];
  @IsOptional() @IsInt() @Min(1) @Max(120) rectificationMonths: number | null;
  @ValidateNested() @Type(() => ExtensionRule) extension: ExtensionRule;
  @IsInt() @Min(0) @Max(365) noticeDays: number;
  @ValidateNested() @Type(() => RepairRule) repair: RepairRule;
  @IsArray() @ArrayNotEmpty() @IsIn(MEASURES, { each: true }) measures: string[];
}

export class DimensionsConfig {
  @ValidateNested() @Type(() => DimensionRule) energy: DimensionRule;
  @ValidateNested() @Type(() => DimensionRule) environment: DimensionRule;
  @ValidateNested() @Type(() => DimensionRule) quality: DimensionRule;
  @ValidateNested() @Type(() => DimensionRule) safety: DimensionRule;
  @ValidateNested() @Type(() => DimensionRule) technology: DimensionRule;
}

export class CircuitConfig {
  /** Consecutive availability failures (network, timeout, 429, 5xx) that open a target's circuit. */
  @IsInt() @Min(1) failureThreshold: number;
  /** How long an open circuit waits before it lets probes through (half-open). */
  @IsInt() @Min(100) cooldownMs: number;
  /** Deliveries a half-open circuit lets through at once, those already attempted first. */
  @IsInt() @Min(1) @Max(100) halfOpenProbes: number;
}

export class DeliveryConfig {
  @IsInt() @Min(100) timeoutMs: number;
  /** Delay before each attempt in seconds; the first is usually 0. After the last attempt a delivery is dead. */
  @IsArray() @ArrayNotEmpty() @IsInt({ each: true }) @Min(0, { each: true }) scheduleSeconds: number[];
  /** Each delay is spread by up to this fraction either way. */
  @IsNumber() @Min(0) @Max(1) jitter: number;
  /** A Retry-After answer is honoured up to this many seconds. */
  @IsInt() @Min(0) retryAfterMaxSeconds: number;
  /** A claimed delivery whose worker has not reported back by then is claimed again. */
  @IsInt() @Min(1000) leaseMs: number;
  @IsInt() @Min(10) relayIntervalMs: number;
  @IsInt() @Min(1) claimBatch: number;
  /** Queue jobs each worker runs at once; a job carries up to `jobBatch` deliveries to one target. */
  @IsInt() @Min(1) workerConcurrency: number;
  /** Pushes in flight at once in one process, across every target. */
  @IsInt() @Min(1) @Max(4096) pushesInFlight: number;
  @IsInt() @Min(1) @Max(100) jobBatch: number;
  /** Failed attempts after which delivery.failing is raised. */
  @IsInt() @Min(1) failingAfterAttempts: number;
  /** A subscription still failing this long after its first failure is disabled. */
  @IsInt() @Min(1) disableAfterHours: number;
  @ValidateNested() @Type(() => CircuitConfig) circuit: CircuitConfig;
  /** Optional webhook receiving operator alerts as JSON. */
  @IsString() alertWebhookUrl: string;
}

export class ReconciliationConfig {
  /** Days an agency has to report back (反馈) on a delivered record before reconciliation lists it (督办). */
  @IsInt() @Min(1) @Max(365) feedbackDueDays: number;
  /** Records compared per page, on the platform's listing and on the gateway's side alike. */
  @IsInt() @Min(10) @Max(5000) pageSize: number;
  /** A running reconciliation whose instance has not reported progress for this long is marked failed. */
  @IsInt() @Min(1) @Max(1440) staleMinutes: number;
}

export class RateLimitConfig {
  /** Requests one principal may make in a window; a batch counts as one. */
  @IsInt() @Min(1) limit: number;
  /** Codes one principal may look up in a window: a lookup counts one, a batch its number of codes. */
  @IsInt() @Min(1) codes: number;
  /** Window length in milliseconds. */
  @IsInt() @Min(1000) ttlMs: number;
}

export class QueryLogConfig {
  /** Buffered lookups are written at least this often. */
  @IsInt() @Min(10) @Max(60000) flushIntervalMs: number;
  /** A buffer this full is written at once. */
  @IsInt() @Min(1) @Max(50000) flushRows: number;
  /** While the database refuses them, rows are kept up to this many; older ones beyond it are dropped and logged. */
  @IsInt() @Min(1000) maxBufferedRows: number;
}

export class MirrorConfig {
  /** Answer lookups from an in-memory copy of the restrictions table instead of a query per request. */
  @IsBoolean() enabled: boolean;
  /** How often each instance reads the ledger for changes to apply to its copy. */
  @IsInt() @Min(20) @Max(5000) refreshMs: number;
  /** A copy whose last refresh began longer ago than this is not used; lookups then go to the database. */
  @IsInt() @Min(100) @Max(60000) maxStaleMs: number;
}

export class RestrictionsConfig {
  @ValidateNested() @Type(() => RateLimitConfig) rateLimit: RateLimitConfig;
  @ValidateNested() @Type(() => MirrorConfig) mirror: MirrorConfig;
  @ValidateNested() @Type(() => QueryLogConfig) queryLog: QueryLogConfig;
  /** Query audit rows older than this are deleted. */
  @IsInt() @Min(1) @Max(3650) auditRetentionDays: number;
  /** How often a scheduler instance deletes expired query audit rows. */
  @IsInt() @Min(1000) auditCleanupIntervalMs: number;
  /** Rows deleted per statement, so a large backlog never holds one long lock. */
  @IsInt() @Min(100) @Max(100000) auditCleanupBatch: number;
}

export class LedgerConfig {
  /** While entries arrive, a checkpoint is signed at least this often (pushes ask for one sooner when they need it). */
  @IsInt() @Min(100) @Max(60000) checkpointIntervalMs: number;
  /** Entries integrated into the Merkle tree per transaction (and checkpoint) while catching up. */
  @IsInt() @Min(100) @Max(1000000) integrateBatch: number;
}

export class RuntimeConfig {
  /** What this process does: serve the HTTP API, run queue workers and the relay, run scheduled jobs. */
  @IsArray() @ArrayNotEmpty() @IsIn(['api', 'worker', 'scheduler'], { each: true }) roles: string[];
}

/** The whole validated configuration; injected by its class. */
export class AppConfig {
  @ValidateNested() @Type(() => HttpConfig) http: HttpConfig;
  @ValidateNested() @Type(() => LogConfig) log: LogConfig;
  @ValidateNested() @Type(() => StartupConfig) startup: StartupConfig;
  @ValidateNested() @Type(() => MetricsConfig) metrics: MetricsConfig;
  @ValidateNested() @Type(() => StatsConfig) stats: StatsConfig;
  @ValidateNested() @Type(() => SecretsConfig) secrets: SecretsConfig;
  @ValidateNested() @Type(() => DatabaseConfig) database: DatabaseConfig;
  @ValidateNested() @Type(() => RedisConfig) redis: RedisConfig;
  @ValidateNested() @Type(() => AuthConfig) auth: AuthConfig;
  @ValidateNested() @Type(() => SchedulerConfig) scheduler: SchedulerConfig;
  @ValidateNested() @Type(() => ClockConfig) clock: ClockConfig;
  @ValidateNested() @Type(() => EnterprisesConfig) enterprises: EnterprisesConfig;
  @ValidateNested() @Type(() => SigningConfig) signing: SigningConfig;
  @ValidateNested() @Type(() => CreditPlatformConfig) creditPlatform: CreditPlatformConfig;
  @ValidateNested() @Type(() => OutboundConfig) outbound: OutboundConfig;
  @ValidateNested() @Type(() => SubscriptionsConfig) subscriptions: SubscriptionsConfig;
  @ValidateNested() @Type(() => DeliveryConfig) delivery: DeliveryConfig;
  @ValidateNested() @Type(() => ReconciliationConfig) reconciliation: ReconciliationConfig;
  @ValidateNested() @Type(() => LedgerConfig) ledger: LedgerConfig;
  @ValidateNested() @Type(() => RuntimeConfig) runtime: RuntimeConfig;
  @ValidateNested() @Type(() => RestrictionsConfig) restrictions: RestrictionsConfig;
  @ValidateNested() @Type(() => JurisdictionConfig) jurisdiction: JurisdictionConfig;
  @ValidateNested() @Type(() => DimensionsConfig) dimensions: DimensionsConfig;
}

export const DIMENSION_KEYS: ReadonlyArray<keyof DimensionsConfig> = DIMENSIONS;
