import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { checkFaultSpec, FaultSpec } from './faults';
import { checkListingOrder, ListingOrder } from './record-table';

export interface AgencyConfig {
  name: string;
  /** Where the receiver listens; `/agencies/{name}/webhook` when omitted. */
  path?: string;
  domains: string[];
  /** Usually absent: the gateway makes the secret when the subscription is created, then it is registered. */
  secret?: string;
}

export interface SandboxConfig {
  host: string;
  port: number;
  /** Where the gateway's JWKS and feedback API are. */
  gatewayUrl: string;
  /** `listing` sets the listing's order from start-up (recordId order when absent). */
  platform: { clientId: string; secret: string; keepBodies: number; listing?: ListingOrder };
  webhookToleranceSeconds: number;
  /** Default `occurredOn` dates of feedback are days in this zone. */
  timeZone: string;
  agencies: AgencyConfig[];
  faults: Record<string, FaultSpec>;
}

export const CONFIG_FILE = join(__dirname, 'config.yaml');

export const DOMAINS = [
  'land_supply', 'funding_support', 'tax_administration', 'production_license', 'safety_license',
  'bond_issuance', 'financing_credit', 'government_procurement', 'public_works_bidding',
];

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

const ENV: Record<string, (c: SandboxConfig, v: string) => void> = {
  SANDBOX_PORT: (c, v) => (c.port = Number(v)),
  GATEWAY_URL: (c, v) => (c.gatewayUrl = v),
  CREDIT_PLATFORM_CLIENT_ID: (c, v) => (c.platform.clientId = v),
  CREDIT_PLATFORM_SECRET: (c, v) => (c.platform.secret = v),
};

/** The YAML file with the environment over it; throws naming every bad key. */
export function loadSandboxConfig(env: Record<string, string | undefined> = process.env, file = CONFIG_FILE): SandboxConfig {
  const config = yaml.load(readFileSync(file, 'utf8')) as SandboxConfig;
  for (const [name, apply] of Object.entries(ENV)) if (env[name]) apply(config, env[name]!);
  return checkSandboxConfig(config);
}

export function checkSandboxConfig(c: SandboxConfig): SandboxConfig {
  const problems: string[] = [];
  if (!c || typeof c !== 'object') throw new Error('sandbox config: must be a mapping');
  if (!Number.isInteger(c.port) || c.port < 0 || c.port > 65535) problems.push('port: must be 0-65535');
  if (typeof c.host !== 'string' || !c.host) problems.push('host: required');
  if (!/^https?:\/\//.test(c.gatewayUrl ?? '')) problems.push('gatewayUrl: must be an http(s) URL');
  if (!c.platform?.clientId) problems.push('platform.clientId: required');
  if (!c.platform?.secret?.startsWith('whsec_')) problems.push('platform.secret: must be a whsec_ secret');
  if (!Number.isInteger(c.platform?.keepBodies) || c.platform.keepBodies < 0) problems.push('platform.keepBodies: must be an integer >= 0');
  const listingProblem = c.platform?.listing === undefined ? null : checkListingOrder(c.platform.listing);
  if (listingProblem) problems.push(`platform.listing.${listingProblem}`);
  if (!(c.webhookToleranceSeconds > 0)) problems.push('webhookToleranceSeconds: must be > 0');
  if (!Array.isArray(c.agencies)) problems.push('agencies: must be a list');
  for (const [i, a] of (c.agencies ?? []).entries()) {
    const problem = checkAgency(a.name, a.domains) ?? (a.path !== undefined && !a.path.startsWith('/') ? 'path: must start with /' : null);
    if (problem) problems.push(`agencies[${i}].${problem}`);
  }
  for (const [endpoint, spec] of Object.entries(c.faults ?? {})) {
    const problem = checkEndpoint(endpoint) ?? checkFaultSpec(spec);
    if (problem) problems.push(`faults.${endpoint}: ${problem}`);
  }
  if (problems.length) throw new Error(`invalid sandbox config:\n  ${problems.join('\n  ')}`);
  return { ...c, faults: c.faults ?? {} };
}

export function checkAgency(name: unknown, domains: unknown): string | null {
  if (typeof name !== 'string' || !NAME.test(name)) return 'name: lower-case letters, digits, - and _';
  if (!Array.isArray(domains) || !domains.length || !domains.every((d) => DOMAINS.includes(d))) {
    return `domains: a non-empty list of ${DOMAINS.join(', ')}`;
  }
  return null;
}

export function checkEndpoint(endpoint: string): string | null {
  if (endpoint === 'platform-batch' || endpoint === 'platform-list') return null;
  if (endpoint.startsWith('agency-') && NAME.test(endpoint.slice(7))) return null;
  return 'endpoint: platform-batch, platform-list or agency-<name>';
}
