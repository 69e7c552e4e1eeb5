import { loadSandboxConfig } from './config';
import { startSandbox } from './server';

// `npm run sandbox`: the platform and agency stand-ins for local runs and demos, configured from config.yaml and the environment.
async function main(): Promise<void> {
  const config = loadSandboxConfig(process.env);
  // Follows the gateway's clock, which a sandbox deployment usually simulates (GATEWAY_CLOCK=simulated).
  const sandbox = await startSandbox({ ...config, followGatewayMs: 1000, logger: process.env.SANDBOX_LOG !== 'false' });
  console.log(`sandbox listening on ${sandbox.url} (platform base ${sandbox.platformUrl}, gateway ${config.gatewayUrl})`);
  const stop = () => void sandbox.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
