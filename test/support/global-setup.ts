import { randomBytes } from 'node:crypto';
import { prepareTemplateDatabase, TEMPLATE_DB } from './database';

// Makes sure the template for the current migrations exists; each suite then copies it (see database.ts).
export default async function globalSetup(): Promise<void> {
  await prepareTemplateDatabase();
  process.env.TEST_TEMPLATE_DB = TEMPLATE_DB;
  // One key-encryption key for the run, as every instance of a deployment shares one: apps and processes that
  // the tests start with their own signing-key folders still open each other's sealed secrets.
  process.env.SECRETS_KEK ??= `test-run:${randomBytes(32).toString('base64')}`;
}
