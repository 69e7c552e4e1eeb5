import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
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
  @IsBoolean() docs: boolean;
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
}

export class AuthConfig {
  @IsInt() @Min(0) cacheTtlMs: number;
}

export class SchedulerConfig {
  @IsBoolean() enabled: boolean;
  @Matches(/^(\S+\s+){4,5}\S+$/, { message: 'must be a cron expression' }) sweepCron: string;
}

export class SigningConfig {
  @IsString() @IsNotEmpty() keyDir: string;
}

export class CreditPlatformConfig {
  @Matches(/^https?:\/\/.+/, { message: 'must be an http(s) URL' }) url: string;
  @IsString() @IsNotEmpty() clientId: string;
  @IsString() secret: string;
}

export class OutboundConfig {
  @IsArray() @IsString({ each: true }) allow: string[];
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

/** The whole validated configuration; injected by its class. */
export class AppConfig {
  @ValidateNested() @Type(() => HttpConfig) http: HttpConfig;
  @ValidateNested() @Type(() => LogConfig) log: LogConfig;
  @ValidateNested() @Type(() => DatabaseConfig) database: DatabaseConfig;
  @ValidateNested() @Type(() => RedisConfig) redis: RedisConfig;
  @ValidateNested() @Type(() => AuthConfig) auth: AuthConfig;
  @ValidateNested() @Type(() => SchedulerConfig) scheduler: SchedulerConfig;
  @ValidateNested() @Type(() => SigningConfig) signing: SigningConfig;
  @ValidateNested() @Type(() => CreditPlatformConfig) creditPlatform: CreditPlatformConfig;
  @ValidateNested() @Type(() => OutboundConfig) outbound: OutboundConfig;
  @ValidateNested() @Type(() => JurisdictionConfig) jurisdiction: JurisdictionConfig;
  @ValidateNested() @Type(() => DimensionsConfig) dimensions: DimensionsConfig;
}

export const DIMENSION_KEYS: ReadonlyArray<keyof DimensionsConfig> = DIMENSIONS;
