import { NestFactory } from '@nestjs/core';
import { parseArgs } from './cli/args';
import { CliModule } from './cli/cli.module';
import { keyCommands } from './cli/keys.commands';
import { Command, principalCommands } from './cli/principal.commands';
import { signingCommands, StandaloneCommand } from './cli/signing.commands';
import { ConfigError, loadConfig } from './config/load-config';
import { DependencyUnavailable, EXIT_UNAVAILABLE, waitForDependencies } from './common/dependencies';
import { ApiError } from './common/http/api-error';

const COMMANDS: Record<string, Command> = { ...principalCommands, ...keyCommands };
// These need only the config (offline verification): no database is opened for them.
const STANDALONE: Record<string, StandaloneCommand> = { ...signingCommands };

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  const command = name ? COMMANDS[name] : undefined;
  const standalone = name ? STANDALONE[name] : undefined;
  if (!command && !standalone) {
    process.stderr.write(`usage: npm run cli -- <command> [options]\ncommands: ${[...Object.keys(COMMANDS), ...Object.keys(STANDALONE)].join(', ')}\n`);
    return 64;
  }
  const { positional, flags } = parseArgs(rest);
  const config = loadConfig();
  if (standalone) return standalone(config, positional, flags);
  if (!command) return 64;
  await waitForDependencies(config, { redis: false });
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: ['error', 'warn'] });
  try {
    await command(app, positional, flags);
    return 0;
  } finally {
    await app.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    if (e instanceof ConfigError) process.stderr.write(`${e.message}\n`);
    else if (e instanceof ApiError) process.stderr.write(`error: ${e.message}\n`);
    else process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(e instanceof ConfigError ? 78 : e instanceof DependencyUnavailable ? EXIT_UNAVAILABLE : 1);
  },
);
