import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/config.schema';

/** The one set of connection options shared by the application and the migration CLI. */
export function dataSourceOptions(config: AppConfig): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.database.url,
    extra: { max: config.database.poolSize },
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'migrations',
    // Failed queries surface as errors where they happen; TypeORM's own logging would print every parameter.
    logging: false,
  };
}

/** Compiled migrations (dist/migrations); the glob skips index.js, which only lists them for tests. */
export const COMPILED_MIGRATIONS = join(__dirname, '..', 'migrations', '[0-9]*.js');
