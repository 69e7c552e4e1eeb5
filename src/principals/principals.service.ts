import { HttpStatus, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../config/config.schema';
import { Clock } from '../common/clock';
import { MEASURES, ROLES, Role } from '../common/domain';
import { ApiError, FieldProblem, ValidationFailed } from '../common/http/api-error';
import { generateApiKey, hashApiKey, looksLikeApiKey } from './api-key';
import { Principal } from './principal';
import { PrincipalEntity } from './principal.entity';
import { PrincipalsRepository } from './principals.repository';

export interface CreatePrincipalCommand {
  name: string;
  role: string;
  department?: string;
  counties?: string[];
  domains?: string[];
}

export interface PrincipalView {
  id: string;
  name: string;
  role: Role;
  department: string | null;
  counties: string[];
  domains: string[];
  keyPrefix: string;
  createdAt: string;
  revokedAt: string | null;
}

/**
 * Keys, roles and scopes. Verified keys are kept in memory for `auth.cacheTtlMs`; every
 * `auth.revocationCheckMs` the instance asks the database which of the principals it holds were revoked
 * meanwhile (by any instance or the CLI), so a revoked key stops working everywhere within about a second and
 * the TTL only bounds how long a key is trusted should those checks fail.
 */
@Injectable()
export class PrincipalsService implements OnModuleDestroy {
  private readonly logger = new Logger(PrincipalsService.name);
  private readonly cache = new Map<string, { principal: Principal; until: number }>();
  private watch: NodeJS.Timeout | undefined;

  constructor(
    private readonly principals: PrincipalsRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onModuleDestroy(): void {
    clearInterval(this.watch);
  }

  /** Creates a principal and returns its key; the key is not stored and cannot be shown again. */
  async create(command: CreatePrincipalCommand): Promise<{ id: string; key: string; principal: PrincipalView }> {
    this.validate(command);
    const { key, prefix, hash } = generateApiKey();
    const entity = await this.principals.insert({
      name: command.name.trim(),
      role: command.role as Role,
      department: command.role === 'department' ? command.department! : null,
      counties: command.role === 'department' ? (command.counties ?? []) : [],
      domains: command.role === 'agency' ? (command.domains ?? []) : [],
      keyPrefix: prefix,
      keyHash: hash,
      createdAt: this.clock.now(),
      revokedAt: null,
    });
    return { id: entity.id, key, principal: toView(entity) };
  }

  async list(): Promise<PrincipalView[]> {
    return (await this.principals.list()).map(toView);
  }

  async revoke(id: string): Promise<void> {
    if (!/^[0-9a-f-]{36}$/i.test(id) || !(await this.principals.revoke(id, this.clock.now()))) {
      throw new ApiError(HttpStatus.NOT_FOUND, 'PRINCIPAL_NOT_FOUND', `no active principal with id ${id}`);
    }
    this.cache.clear();
  }

  /** Whether a principal (a console session's, say) may still act as an operator: not revoked, operator or admin. */
  mayOperate(id: string): Promise<boolean> {
    return /^[0-9a-f-]{36}$/i.test(id) ? this.principals.activeWithRole(id, ['admin', 'operator']) : Promise.resolve(false);
  }

  /** The principal of an Authorization header, or why there is none, in words for the 401. */
  async fromAuthorization(header: string | undefined): Promise<{ principal: Principal } | { refused: string }> {
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) return { refused: 'authorization: a Bearer API key is required' };
    const principal = await this.authenticate(match[1]);
    return principal ? { principal } : { refused: 'authorization: unknown or revoked API key' };
  }

  /** Resolves a bearer key to its principal, or null when unknown or revoked. */
  async authenticate(key: string): Promise<Principal | null> {
    if (!looksLikeApiKey(key)) return null;
    const hash = hashApiKey(key);
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached && cached.until > now) return cached.principal;
    const entity = await this.principals.findActiveByKeyHash(hash);
    if (!entity) {
      this.cache.delete(hash);
      return null;
    }
    const principal = new Principal(entity.id, entity.name, entity.role, entity.department, entity.counties, entity.domains);
    const ttl = this.config.auth.cacheTtlMs;
    if (ttl > 0) {
      this.cache.set(hash, { principal, until: now + ttl });
      this.watchRevocations();
    }
    return principal;
  }

  /** Started by the first key kept in memory: a process that never authenticates (the CLI) never polls. */
  private watchRevocations(): void {
    if (this.watch) return;
    this.watch = setInterval(() => void this.evictRevoked(), this.config.auth.revocationCheckMs);
    this.watch.unref();
  }

  private async evictRevoked(): Promise<void> {
    const now = Date.now();
    for (const [hash, entry] of this.cache) if (entry.until <= now) this.cache.delete(hash);
    const held = [...new Set([...this.cache.values()].map((e) => e.principal.id))];
    try {
      const revoked = new Set(await this.principals.revokedAmong(held));
      for (const [hash, entry] of this.cache) if (revoked.has(entry.principal.id)) this.cache.delete(hash);
    } catch (e) {
      this.logger.warn({ msg: 'could not check for revoked keys; cached keys expire after auth.cacheTtlMs', error: (e as Error).message });
    }
  }

  private validate(c: CreatePrincipalCommand): void {
    const problems: FieldProblem[] = [];
    const departments = this.config.jurisdiction.departments.map((d) => d.code);
    const counties = this.config.jurisdiction.counties.map((d) => d.code);
    if (!c.name?.trim()) problems.push({ field: 'name', message: 'must not be empty' });
    if (!(ROLES as readonly string[]).includes(c.role)) problems.push({ field: 'role', message: `must be one of ${ROLES.join(', ')}` });
    if (c.role === 'department') {
      if (!c.department || !departments.includes(c.department)) {
        problems.push({ field: 'department', message: `must be one of ${departments.join(', ')}` });
      }
      for (const county of c.counties ?? []) {
        if (!counties.includes(county)) problems.push({ field: 'counties', message: `unknown county "${county}"` });
      }
    } else if (c.department || c.counties?.length) {
      problems.push({ field: 'department', message: 'only a department key has a department and counties' });
    }
    if (c.role === 'agency') {
      if (!c.domains?.length) problems.push({ field: 'domains', message: 'an agency key needs at least one domain' });
      for (const d of c.domains ?? []) {
        if (!(MEASURES as readonly string[]).includes(d)) problems.push({ field: 'domains', message: `unknown domain "${d}"` });
      }
    } else if (c.domains?.length) {
      problems.push({ field: 'domains', message: 'only an agency key has domains' });
    }
    if (problems.length) throw new ValidationFailed(problems);
  }
}

function toView(e: PrincipalEntity): PrincipalView {
  return {
    id: e.id,
    name: e.name,
    role: e.role,
    department: e.department,
    counties: e.counties,
    domains: e.domains,
    keyPrefix: e.keyPrefix,
    createdAt: e.createdAt.toISOString(),
    revokedAt: e.revokedAt ? e.revokedAt.toISOString() : null,
  };
}
