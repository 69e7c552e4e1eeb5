import { HttpStatus, Injectable } from '@nestjs/common';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ApiError } from '../common/http/api-error';
import { AppConfig } from '../config/config.schema';
import { blockedReason } from './ip-ranges';

export const MAX_URL_LENGTH = 2048;

/** A URL the gateway will not push to; a 400 naming `url` when it comes from a request. */
export class UrlNotAllowed extends ApiError {
  constructor(readonly reason: string) {
    super(HttpStatus.BAD_REQUEST, 'URL_NOT_ALLOWED', `url: ${reason}`, [{ field: 'url', message: reason }]);
  }
}

/**
 * The host could not be resolved now (no such name, or the resolver timed out). Saving a subscription refuses
 * it like any bad URL; a push takes it as a network error and tries again later, since DNS comes back.
 */
export class UrlUnresolvable extends UrlNotAllowed {}

export interface UrlTarget {
  /** Host without IPv6 brackets or a trailing dot, lower case. */
  host: string;
  /** The host is an IP literal, so there is nothing to resolve. */
  literal: boolean;
  /** The host is in outbound.allow: plain http and private addresses are fine. */
  allowListed: boolean;
}

export function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

/** Everything that can be judged without DNS; returns the reason when the URL is refused. */
export function checkUrlShape(raw: string, allow: ReadonlySet<string>): UrlTarget | string {
  if (raw.length > MAX_URL_LENGTH) return `must be at most ${MAX_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  const host = normalizeHost(url.hostname);
  if (!host) return 'must name a host';
  const allowListed = allow.has(host);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowListed)) {
    return `must use https (plain http only for hosts in outbound.allow), not ${url.protocol.replace(/:$/, '')}`;
  }
  // Credentials in the URL would end up in logs and delivery records; agencies authenticate pushes by signature.
  if (url.username || url.password) return 'must not contain credentials';
  return { host, literal: isIP(host) !== 0, allowListed };
}

/**
 * The outbound-URL policy of DESIGN section 9: https to public addresses only, except hosts in
 * OUTBOUND_HTTP_ALLOW. Checked when a subscription is saved and again before each push, because what a
 * name resolves to can change after it was saved.
 */
@Injectable()
export class UrlGuard {
  /** getaddrinfo cannot be cancelled; a slow resolver must not hold a request or a worker slot for long. */
  protected readonly resolveTimeoutMs: number = 3000;
  private readonly allow: ReadonlySet<string>;

  constructor(config: AppConfig) {
    this.allow = new Set(config.outbound.allow.map(normalizeHost));
  }

  /** Throws UrlNotAllowed with the reason unless a push to this URL is allowed now. */
  async assertSendable(raw: string): Promise<void> {
    const target = checkUrlShape(raw, this.allow);
    if (typeof target === 'string') throw new UrlNotAllowed(target);
    if (target.allowListed) return;
    const addresses = target.literal ? [target.host] : await this.resolveInTime(target.host);
    for (const address of addresses) {
      const why = blockedReason(address);
      if (!why) continue;
      throw new UrlNotAllowed(target.literal ? `${address} is a ${why}` : `${target.host} resolves to ${address}, a ${why}`);
    }
  }

  /** Every address the host resolves to; replaced in tests, where there is no DNS. */
  protected async resolve(host: string): Promise<string[]> {
    const found = await lookup(host, { all: true, verbatim: true });
    return found.map((a) => a.address);
  }

  private async resolveInTime(host: string): Promise<string[]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new UrlUnresolvable(`resolving ${host} took longer than ${this.resolveTimeoutMs} ms`)), this.resolveTimeoutMs);
    });
    const resolved = this.resolve(host).catch((error: NodeJS.ErrnoException) => {
      throw new UrlUnresolvable(`${host} could not be resolved (${error.code ?? error.message})`);
    });
    try {
      const addresses = await Promise.race([resolved, timeout]);
      if (addresses.length === 0) throw new UrlUnresolvable(`${host} resolves to no address`);
      return addresses;
    } finally {
      clearTimeout(timer);
    }
  }
}
