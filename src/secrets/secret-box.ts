import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/config.schema';
import { keyRing, KeyRing } from './keks';
import { open, seal, sealedWith } from './sealed';

// Subscriptions are few and their secrets change rarely: opened values are kept rather than decrypted per push.
const CACHE_LIMIT = 10_000;

/** Seals secrets before they are stored and opens them where they are used. */
@Injectable()
export class SecretBox {
  private readonly ring: KeyRing;
  private readonly opened = new Map<string, string>();

  constructor(config: AppConfig) {
    this.ring = keyRing(config)!;
    if (this.ring.local) {
      new Logger(SecretBox.name).warn({
        msg: `secrets: no SECRETS_KEK; stored secrets are sealed with a key generated in ${config.signing.keyDir} (kid ${this.ring.active.kid}); every instance sharing the database needs the same SECRETS_KEK`,
      });
    }
  }

  get activeKid(): string {
    return this.ring.active.kid;
  }

  seal(plain: string, purpose: string): string {
    return seal(plain, this.ring.active, purpose);
  }

  open(stored: string, purpose: string): string {
    const key = `${purpose}\n${stored}`;
    let plain = this.opened.get(key);
    if (plain === undefined) {
      plain = open(stored, this.ring.opening, purpose);
      if (this.opened.size >= CACHE_LIMIT) this.opened.clear();
      this.opened.set(key, plain);
    }
    return plain;
  }

  /** True for a value in clear or sealed with another key than the active one. */
  needsResealing(stored: string): boolean {
    return sealedWith(stored) !== this.ring.active.kid;
  }
}
