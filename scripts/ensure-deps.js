#!/usr/bin/env node
'use strict';
// Installs dependencies with `npm ci` when node_modules is missing or older than package-lock.json,
// so that `npm test` and `npm run demo` work on a fresh clone. Plain Node: it runs before anything is installed.
const { spawnSync } = require('node:child_process');
const { existsSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const lockFile = join(root, 'package-lock.json');
// npm writes this hidden lockfile at the end of every install: its age is the age of node_modules.
const installedLock = join(root, 'node_modules', '.package-lock.json');

function reason() {
  if (!existsSync(join(root, 'node_modules'))) return 'node_modules is missing';
  if (!existsSync(installedLock)) return 'node_modules was not installed by npm';
  if (existsSync(lockFile) && statSync(lockFile).mtimeMs > statSync(installedLock).mtimeMs) {
    return 'package-lock.json is newer than node_modules';
  }
  return null;
}

const why = reason();
if (why) {
  process.stderr.write(`ensure-deps: ${why}; running npm ci\n`);
  // Under `npm run`/`npm test`, reuse the npm that is running us; otherwise the one on PATH.
  const npmCli = process.env.npm_execpath;
  const [command, args] =
    npmCli && /\.[cm]?js$/.test(npmCli)
      ? [process.execPath, [npmCli, 'ci', '--no-audit', '--no-fund']]
      : ['npm', ['ci', '--no-audit', '--no-fund']];
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.error) {
    process.stderr.write(`ensure-deps: could not run npm: ${result.error.message}\n`);
    process.exit(1);
  }
  process.exit(result.status ?? 1);
}
