import { DependencyUnavailable, EXIT_UNAVAILABLE, waitForDependencies } from '../common/dependencies';
import { ConfigError, loadConfig } from '../config/load-config';
import dataSource from './data-source';

// `npm run migration:run`: applies pending migrations one transaction each and names them. The TypeORM CLI
// would do the same but prints every SQL statement.
async function main(): Promise<void> {
  await waitForDependencies(loadConfig(), { redis: false });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (!applied.length) process.stdout.write('migrations: database is up to date\n');
    for (const m of applied) process.stdout.write(`migrations: applied ${m.name}\n`);
  } finally {
    await dataSource.destroy();
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof ConfigError ? e.message : `migration failed: ${(e as Error).message}`}\n`);
  process.exit(e instanceof DependencyUnavailable ? EXIT_UNAVAILABLE : e instanceof ConfigError ? 78 : 1);
});
