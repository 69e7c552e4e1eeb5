import { ConfigError, loadConfig } from './config/load-config';
import { createApp } from './app.factory';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(78);
    }
    throw e;
  }
  const app = await createApp(config);
  // A worker-only or scheduler-only process runs the same modules without serving HTTP.
  if (config.runtime.roles.includes('api')) await app.listen(config.http.port, config.http.host);
  else await app.init();
}

void main();
