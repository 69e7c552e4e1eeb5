// Bundles the console into <out> (default dist/console): index.html, app.js, app.css. Everything the
// pages need is in these three files, so the gateway serves the console with no CDN and no runtime build.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? join(here, '..', 'dist', 'console'));
const common = { bundle: true, minify: true, legalComments: 'none', logLevel: 'warning', absWorkingDir: here };

await mkdir(out, { recursive: true });
const results = [
  await build({ ...common, entryPoints: [join(here, 'src', 'main.js')], outfile: join(out, 'app.js'), format: 'iife', target: 'es2020', platform: 'browser' }),
  await build({ ...common, entryPoints: [join(here, 'app.css')], outfile: join(out, 'app.css') }),
];
// A warning here has been a real bug (a duplicate translation key silently replaced another), so it fails the build.
const warnings = results.reduce((n, r) => n + r.warnings.length, 0);
if (warnings) {
  process.stderr.write(`console build: ${warnings} warning(s), see above\n`);
  process.exit(1);
}
await copyFile(join(here, 'index.html'), join(out, 'index.html'));
