import { prepareTemplateDatabase } from './database';

// Migrates one template database per run; each suite then copies it (see database.ts).
export default async function globalSetup(): Promise<void> {
  await prepareTemplateDatabase();
}
