/**
 * A PostgreSQL cluster and a Redis server of the benchmark's own, in a scratch folder, so that it can restart
 * the one and flush the other without touching anyone else's data on this machine. PostgreSQL refuses to run
 * as root, so under root its commands run as the `postgres` user.
 */
import { ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface PrivatePostgres {
  url(database: string): string;
  /** A fast restart: every connection is cut and the server refuses new ones until it is back. */
  restart(): Promise<void>;
  stop(): void;
}

function postgresBin(): string {
  return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
}

export function startPostgres(port: number): PrivatePostgres {
  const dir = mkdtempSync(join(tmpdir(), 'bench-pg-'));
  const data = join(dir, 'data');
  const root = process.getuid?.() === 0;
  // The postgres user must be able to reach its own directory.
  if (root) chmodSync(dir, 0o777);
  const invocation = (tool: string, args: string[]): [string, string[]] => {
    const command = join(postgresBin(), tool);
    return root ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  };
  const run = (tool: string, args: string[]) => execFileSync(...invocation(tool, args), { stdio: ['ignore', 'ignore', 'inherit'] });
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
  run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  return {
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    restart: async () => {
      await promisify(execFile)(...invocation('pg_ctl', ['-D', data, '-m', 'fast', '-o', options, '-l', join(dir, 'log'), '-w', 'restart']));
    },
    stop: () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export interface PrivateRedis {
  url: string;
  stop(): void;
}

export async function startRedis(port: number): Promise<PrivateRedis> {
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  // Ready once it answers.
  for (let i = 0; i < 100; i++) {
    try {
      execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: 'ignore' });
      return { url, stop: () => void child.kill('SIGKILL') };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not start on port ${port}`);
}
