import type { INestApplicationContext } from '@nestjs/common';
import { PrincipalsService } from '../principals/principals.service';
import { listFlag } from './args';

export type Command = (app: INestApplicationContext, positional: string[], flags: Record<string, string>) => Promise<void>;

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

export const principalCommands: Record<string, Command> = {
  /** Prints the new key once, as the last line: {"id", "key", ...}. */
  'principal:create': async (app, _, flags) => {
    const result = await app.get(PrincipalsService).create({
      role: flags.role,
      name: flags.name,
      department: flags.department,
      counties: listFlag(flags.counties),
      domains: listFlag(flags.domains),
    });
    print({ id: result.id, key: result.key, role: result.principal.role, name: result.principal.name });
  },
  'principal:list': async (app) => {
    for (const p of await app.get(PrincipalsService).list()) print(p);
  },
  'principal:revoke': async (app, positional) => {
    const id = positional[0];
    if (!id) throw new Error('usage: principal:revoke <id>');
    await app.get(PrincipalsService).revoke(id);
    print({ id, revoked: true });
  },
};
