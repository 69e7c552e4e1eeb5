import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

export const CONSOLE_PATH = '/console';
const ASSETS = ['app.js', 'app.css'];
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; frame-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

let bundle: Promise<string> | null = null;

/**
 * Where the built pages are. Compiled, this file sits in dist/console beside the bundle `npm run build`
 * wrote there. Run from source (ts-jest, ts-node) the bundle is built afresh from console/ on first use,
 * so tests always exercise the current pages rather than a stale build.
 */
function bundleDir(): Promise<string> {
  if (__filename.endsWith('.js')) return Promise.resolve(__dirname);
  bundle ??= (async () => {
    const out = mkdtempSync(join(tmpdir(), 'gateway-console-'));
    process.once('exit', () => rmSync(out, { recursive: true, force: true }));
    await promisify(execFile)(process.execPath, [resolve(__dirname, '..', '..', 'console', 'build.mjs'), out], { timeout: 60_000 });
    return out;
  })();
  return bundle;
}

/** Serves the console's three files and nothing else from their folder (compiled modules live there too). */
export async function registerConsolePages(fastify: FastifyInstance): Promise<void> {
  await fastify.register(async (scope) => {
    // Only reply.sendFile is wanted: every call names its folder, so the root here is never read.
    await scope.register(fastifyStatic, { root: tmpdir(), serve: false });
    const send = async (reply: FastifyReply, file: string) => {
      let dir: string;
      try {
        dir = await bundleDir();
      } catch (e) {
        return unavailable(reply, `the console could not be built: ${(e as Error).message.split('\n')[0]}`);
      }
      if (!existsSync(join(dir, file))) return unavailable(reply, 'the console is not built: run `npm run build`');
      void reply.headers({ ...SECURITY_HEADERS, 'cache-control': 'no-cache' });
      return reply.sendFile(file, dir);
    };
    for (const url of [CONSOLE_PATH, `${CONSOLE_PATH}/`, `${CONSOLE_PATH}/index.html`]) {
      scope.get(url, (_req, reply) => send(reply, 'index.html'));
    }
    for (const file of ASSETS) {
      scope.get(`${CONSOLE_PATH}/${file}`, (_req, reply) => send(reply, file));
    }
  });
}

function unavailable(reply: FastifyReply, why: string): FastifyReply {
  return reply
    .code(503)
    .headers({ ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' })
    .send(`<!doctype html><meta charset="utf-8"><title>Console unavailable</title><h1>Console unavailable</h1><p>${escapeHtml(why)}</p>`);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
