import { DataSource } from 'typeorm';
import { loadConfig } from '../config/load-config';
import { COMPILED_MIGRATIONS, dataSourceOptions } from './data-source-options';

// The TypeORM CLI's entry (npm run migration:run); it must export exactly one DataSource.
export default new DataSource({ ...dataSourceOptions(loadConfig()), migrations: [COMPILED_MIGRATIONS] });
