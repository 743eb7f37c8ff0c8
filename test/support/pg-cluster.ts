/**
 * A throwaway PostgreSQL server for tests: initdb into a temp dir, start on a free loopback port with its socket
 * in the same dir, hand out one database per caller, stop with `-m immediate` and remove the dir.
 * initdb refuses to run as root, so as root the cluster runs as the `postgres` system user.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Client } from 'pg';

export interface PgCluster {
  /** Connection string of the cluster's `postgres` database. */
  url: string;
  /** Creates a fresh database and returns its connection string (TCP on loopback, or the Unix socket with `socket`). */
  createDatabase(name: string, options?: { socket?: boolean }): Promise<string>;
  stop(): Promise<void>;
}

/** The directory holding initdb/pg_ctl, or undefined (with the reason) when PostgreSQL is not installed. */
export function findPgBin(): { dir?: string; reason?: string } {
  const onPath = (process.env.PATH ?? '').split(delimiter).find((d) => d && existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl')));
  if (onPath) return { dir: onPath };
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => join(root, v, 'bin')).find((d) => existsSync(join(d, 'initdb')));
  return found ? { dir: found } : { reason: 'PostgreSQL binaries (initdb, pg_ctl) are not on PATH nor under /usr/lib/postgresql/*/bin' };
}

const isRoot = () => process.getuid?.() === 0;

/** Why PostgreSQL tests cannot run here, or undefined when they can. */
export function pgUnavailableReason(): string | undefined {
  const { reason } = findPgBin();
  if (reason) return reason;
  if (isRoot()) {
    try {
      execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    } catch {
      return 'running as root and there is no "postgres" system user to run initdb as';
    }
  }
  return undefined;
}

/** A `describe` that runs only when PostgreSQL can be started, printing why otherwise. */
export function describeWithPostgres(name: string, fn: () => void): void {
  const reason = pgUnavailableReason();
  if (reason) {
    console.warn(`skipping "${name}": ${reason}`);
    describe.skip(name, fn);
  } else {
    describe(name, fn);
  }
}

/** A loopback port free now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** How to stop each cluster this process started and has not stopped yet. */
const running = new Set<() => void>();
// A suite that ends without stopping its cluster (a failed beforeAll, a timed-out afterAll) must not leave a
// PostgreSQL server running after the test run: the worker stops it as it exits.
process.once('exit', () => {
  for (const stop of [...running]) {
    try {
      stop();
    } catch {
      // already stopped
    }
  }
});

/**
 * Starts a throwaway cluster on a loopback port. Tests run it with fsync off (speed; nothing outlives them);
 * `durable` keeps PostgreSQL's production default (fsync on), for benchmarks that measure commit costs.
 */
export async function startPgCluster(options: { durable?: boolean } = {}): Promise<PgCluster> {
  const { dir: bin, reason } = findPgBin();
  if (!bin) throw new Error(reason);
  const root = mkdtempSync(join(tmpdir(), 'metalforge-pg-'));
  const data = join(root, 'data');
  const asOwner = (cmd: string, args: string[]) =>
    isRoot()
      ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { stdio: 'pipe' })
      : execFileSync(join(bin, cmd), args, { stdio: 'pipe' });
  if (isRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(root, uid, gid);
  }
  const port = await freePort();
  try {
    asOwner('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
    asOwner('pg_ctl', [
      '-D',
      data,
      '-l',
      join(root, 'log'),
      '-o',
      `-p ${port} -k ${root} -c listen_addresses=127.0.0.1${options.durable ? '' : ' -c fsync=off'}`,
      'start',
      '-w',
    ]);
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`could not start a PostgreSQL cluster: ${(err as Error).message} ${stderr}`);
  }
  const url = (db: string) => `postgresql://postgres@127.0.0.1:${port}/${db}`;
  const stopNow = () => {
    running.delete(stopNow);
    try {
      asOwner('pg_ctl', ['-D', data, 'stop', '-m', 'immediate']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };
  running.add(stopNow);
  return {
    url: url('postgres'),
    async createDatabase(name, options = {}) {
      const client = new Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return options.socket ? `postgresql://postgres@localhost:${port}/${name}?host=${encodeURIComponent(root)}` : url(name);
    },
    async stop() {
      stopNow();
    },
  };
}
