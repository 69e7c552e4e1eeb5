import { NestFactory } from '@nestjs/core';
import { parseArgs } from './cli/args';
import { CliModule } from './cli/cli.module';
import { commandHelp, generalHelp, usageOf, usageProblem } from './cli/help';
import { COMMANDS, STANDALONE } from './cli/commands';
import { ConfigError, loadConfig } from './config/load-config';
import { DependencyUnavailable, EXIT_UNAVAILABLE, waitForDependencies } from './common/dependencies';
import { ApiError } from './common/http/api-error';

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process[name ? 'stdout' : 'stderr'].write(generalHelp());
    return name ? 0 : 64;
  }
  const command = COMMANDS[name];
  const standalone = STANDALONE[name];
  if (!command && !standalone) {
    process.stderr.write(`unknown command ${name}\n\n${generalHelp()}`);
    return 64;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(commandHelp(name));
    return 0;
  }
  const { positional, flags } = parseArgs(rest);
  const problem = usageProblem(name, positional, flags);
  if (problem) {
    process.stderr.write(`${problem}\nusage: ${usageOf(name)}\n(npm run cli -- ${name} --help says more)\n`);
    return 64;
  }
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
