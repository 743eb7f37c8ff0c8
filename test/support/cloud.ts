/**
 * Test clouds: createCloud on PGlite (in memory or a data dir) or on a throwaway PostgreSQL cluster shared by
 * the test file, plus small helpers to drive the engine step by step and to call the API through inject().
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import { Cloud, CloudOptions, createCloud } from '../../lib/cloud';
import type { Principal } from '../../lib/engine/accounts';
import type { DeviceCreateInput } from '../../lib/contract/schemas';
import type { LifecycleState } from '../../lib/engine/lifecycle';
import { PgCluster, pgUnavailableReason, startPgCluster } from './pg-cluster';
import { attachSpecCheck } from './spec-check';

export { eventually } from './eventually';

export type Backend = 'pglite' | 'postgres';

/** The backends this machine can test; PostgreSQL is left out (with a printed reason) when it cannot start. */
export function availableBackends(): Backend[] {
  const reason = pgUnavailableReason();
  if (reason) console.warn(`PostgreSQL variants skipped: ${reason}`);
  return reason ? ['pglite'] : ['pglite', 'postgres'];
}

let cluster: Promise<PgCluster> | undefined;
let databases = 0;

/** A fresh database on the file's PostgreSQL cluster (started on first use). */
export async function freshPostgresUrl(): Promise<string> {
  cluster ??= startPgCluster();
  return (await cluster).createDatabase(`t${process.pid}_${++databases}`);
}

/** Stops the file's PostgreSQL cluster, if one was started; call from a top-level afterAll. */
export async function stopPostgres(): Promise<void> {
  const running = cluster;
  cluster = undefined;
  if (running) await (await running).stop();
}

const tempDirs: string[] = [];

export function tempDir(prefix = 'metalforge-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * createCloud with test defaults: instant simulator, in-process boot path, ephemeral port, the given backend.
 * Every response it sends is checked against the official Metal spec (test/setup.ts fails a test that got a
 * response the spec refuses).
 */
export async function testCloud(backend: Backend, options: CloudOptions = {}): Promise<Cloud> {
  const databaseUrl = backend === 'postgres' ? (options.databaseUrl ?? (await freshPostgresUrl())) : undefined;
  const cloud = await createCloud({ simScale: 0, bootPath: 'in-process', port: 0, ...options, databaseUrl });
  attachSpecCheck(cloud.app);
  return cloud;
}

/** The admin principal and a fresh project to put devices in. */
export async function adminProject(cloud: Cloud, name = 'test'): Promise<{ principal: Principal; projectId: string }> {
  const principal = await cloud.engine.accounts.authenticate(cloud.adminToken);
  const project = await cloud.engine.projects.create(principal, { name });
  return { principal, projectId: project.id };
}

export const deviceInput = (overrides: Partial<DeviceCreateInput> = {}): DeviceCreateInput => ({
  plan: 'c3.small.x86',
  metro: 'ny',
  operating_system: 'ubuntu_24_04',
  ...overrides,
});

/** Lets callbacks of the instant simulator (boot, install, phone-home) run and their batches commit. */
export async function settle(cloud: Cloud): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  await cloud.engine.devices.idle();
  await cloud.engine.installs.idle();
}

export async function deviceState(cloud: Cloud, id: string): Promise<LifecycleState> {
  const [row] = await cloud.db.query<{ state: LifecycleState }>('SELECT state FROM devices WHERE id = $1', [id]);
  return row.state;
}

/**
 * Steps the job runner (workers stopped) until the device reaches `state`; fails after `maxRounds` rounds.
 * Returns the number of rounds that ran jobs.
 */
export async function stepUntil(cloud: Cloud, id: string, state: LifecycleState, maxRounds = 20): Promise<number> {
  let rounds = 0;
  for (let i = 0; i < maxRounds; i++) {
    await settle(cloud);
    if ((await deviceState(cloud, id)) === state) return rounds;
    if (await cloud.engine.jobs.round()) rounds++;
  }
  await settle(cloud);
  const now = await deviceState(cloud, id);
  if (now !== state) throw new Error(`device ${id} is ${now} after ${maxRounds} rounds, expected ${state}`);
  return rounds;
}

/**
 * Makes writing the answer of Idempotency-Key `key` fail, as a crash right after the create would leave it:
 * a create that commits its answer with it must then leave nothing behind. Returns the undo.
 */
export async function failAnswerOf(cloud: Cloud, key: string): Promise<() => Promise<void>> {
  const name = `fail_answer_${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
  await cloud.db.query(
    `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected: no answer for %', NEW.key; END $$`,
  );
  await cloud.db.query(
    `CREATE TRIGGER ${name} BEFORE UPDATE ON idempotency_keys FOR EACH ROW WHEN (NEW.key = '${key.replace(/'/g, "''")}' AND NEW.status <> 0) EXECUTE FUNCTION ${name}()`,
  );
  return async () => {
    await cloud.db.query(`DROP TRIGGER ${name} ON idempotency_keys`);
    await cloud.db.query(`DROP FUNCTION ${name}()`);
  };
}

/** A tiny API client over inject(): JSON in, JSON out, the token in X-Auth-Token. */
/** `token` null sends no X-Auth-Token header. */
export function apiClient(cloud: Cloud, token: string | null = cloud.adminToken) {
  const call = async (method: InjectOptions['method'], path: string, payload?: unknown, headers: Record<string, string> = {}) => {
    const res = await cloud.app.inject({
      method,
      url: `/metal/v1${path}`,
      headers: { ...(token ? { 'x-auth-token': token } : {}), ...headers },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    const body = res.body ? safeJson(res.body) : undefined;
    return { status: res.statusCode, body, headers: res.headers, raw: res.body };
  };
  return {
    get: (path: string, headers?: Record<string, string>) => call('GET', path, undefined, headers),
    post: (path: string, payload?: unknown, headers?: Record<string, string>) => call('POST', path, payload ?? {}, headers),
    put: (path: string, payload: unknown, headers?: Record<string, string>) => call('PUT', path, payload, headers),
    delete: (path: string, headers?: Record<string, string>) => call('DELETE', path, undefined, headers),
  };
}

function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A well-formed ed25519 public key line, different for each `comment`. */
export function sshPublicKey(comment: string): string {
  const field = (bytes: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, bytes.length]), bytes]);
  const blob = Buffer.concat([field(Buffer.from('ssh-ed25519')), field(createHash('sha256').update(comment).digest())]);
  return `ssh-ed25519 ${blob.toString('base64')} ${comment}`;
}
