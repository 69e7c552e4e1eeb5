import { text } from 'node:stream/consumers';
import { keyRing } from '../secrets/keks';
import { PLATFORM_SECRET_PURPOSE } from '../secrets/purposes';
import { seal } from '../secrets/sealed';
import { SubscriptionsService } from '../subscriptions/subscriptions.service';
import type { Command } from './principal.commands';
import type { StandaloneCommand } from './signing.commands';

/** Sealing the platform secret for a config file: offline, from the key-encryption key alone. */
export const secretsStandaloneCommands: Record<string, StandaloneCommand> = {
  'secrets:seal': async (config) => {
    const plain = (await text(process.stdin)).trim();
    if (!/^whsec_[A-Za-z0-9+/=]{16,}$/.test(plain)) throw new Error('secrets:seal: give the platform secret (whsec_...) on standard input');
    process.stdout.write(`${seal(plain, keyRing(config)!.active, PLATFORM_SECRET_PURPOSE)}\n`);
    return 0;
  },
};

export const secretsCommands: Record<string, Command> = {
  'secrets:reseal': async (app) => {
    process.stdout.write(`${JSON.stringify(await app.get(SubscriptionsService).resealSecrets())}\n`);
  },
};
