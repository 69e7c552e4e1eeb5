import { prepareTemplateDatabase, TEMPLATE_DB } from './database';

// Makes sure the template for the current migrations exists; each suite then copies it (see database.ts).
export default async function globalSetup(): Promise<void> {
  await prepareTemplateDatabase();
  process.env.TEST_TEMPLATE_DB = TEMPLATE_DB;
}
