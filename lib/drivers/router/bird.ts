/**
 * The metro router on a running BIRD 2. Each session is one BGP protocol in its own file under `sessionsDir`; a
 * change rewrites the files it touches and asks BIRD to `configure`, which keeps every protocol whose configuration
 * is unchanged running, so an established session does not flap when another is added or removed. A configuration
 * BIRD refuses (or a BIRD that does not answer) leaves the previous files in place and throws RouterUnavailable.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { birdc, startBird, type BirdProcess } from './bird-control';
import { protocolName, renderRouterConfig, renderSession, sessionFileName, sessionIdOfFile, type BirdListen } from './bird-config';
import { parseProtocols, parseRoutePrefixes } from './bird-output';
import { checkSession, checkSessionId, checkSessions } from './rules';
import type { BgpSession, LearnedRoute, RouterDriver, SessionState } from './types';

export interface BirdRouterOptions {
  /** BIRD's control socket. */
  socket: string;
  /** The directory the router's main file includes `*.conf` from; the driver owns it. */
  sessionsDir: string;
  listen: BirdListen;
  birdc?: string;
  /** How long one birdc command may take. */
  timeoutMs?: number;
}

/** A session's new file content, or null to remove the file. */
type Changes = Map<string, string | null>;

export class BirdRouter implements RouterDriver {
  /** File changes and their `configure` run one at a time: a rollback must not undo another caller's change. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: BirdRouterOptions) {}

  async upsertSession(session: BgpSession): Promise<void> {
    checkSession(session);
    const content = renderSession(session, this.options.listen);
    await this.apply(async () => new Map([[session.id, content]]), [session]);
  }

  async removeSession(id: string): Promise<void> {
    checkSessionId(id);
    await this.apply(async () => new Map([[id, null]]), []);
  }

  async reconcile(sessions: readonly BgpSession[]): Promise<void> {
    checkSessions(sessions);
    const wanted: Changes = new Map(sessions.map((s) => [s.id, renderSession(s, this.options.listen)]));
    // Listed inside the queue, so a session another caller adds meanwhile is seen and removed too.
    await this.apply(async () => {
      const changes = new Map(wanted);
      for (const id of await this.configuredIds()) if (!changes.has(id)) changes.set(id, null);
      return changes;
    }, sessions);
  }

  async sessionStates(): Promise<SessionState[]> {
    return parseProtocols(await this.birdc(['show', 'protocols', 'all']));
  }

  async learnedRoutes(id: string): Promise<LearnedRoute[]> {
    if (!(await this.configuredIds()).includes(id)) return [];
    const routes = async (filtered: boolean) =>
      parseRoutePrefixes(await this.birdc(['show', 'route', 'protocol', protocolName(id), ...(filtered ? ['filtered'] : [])]));
    const [kept, rejected] = await Promise.all([routes(false), routes(true)]);
    return [...kept.map((prefix) => ({ prefix, accepted: true })), ...rejected.map((prefix) => ({ prefix, accepted: false }))];
  }

  private birdc(command: string[], secrets: readonly string[] = []): Promise<string> {
    return birdc(this.options.socket, command, { birdc: this.options.birdc, timeoutMs: this.options.timeoutMs, secrets });
  }

  private async configuredIds(): Promise<string[]> {
    const names = await readdir(this.options.sessionsDir).catch(() => []);
    return names.flatMap((name) => sessionIdOfFile(name) ?? []);
  }

  private fileOf(id: string): string {
    return join(this.options.sessionsDir, sessionFileName(id));
  }

  /** Writes (temp file, then rename) or removes session files; they hold MD5 keys, so only the owner reads them. */
  private async write(changes: Changes): Promise<void> {
    await mkdir(this.options.sessionsDir, { recursive: true, mode: 0o700 });
    for (const [id, content] of changes) {
      const file = this.fileOf(id);
      if (content === null) {
        await rm(file, { force: true });
      } else {
        await writeFile(`${file}.tmp`, content, { mode: 0o600 });
        await rename(`${file}.tmp`, file);
      }
    }
  }

  /** Applies the files that differ, then `configure`; on failure the previous files come back. No difference, no call. */
  private apply(changesNow: () => Promise<Changes>, sessions: readonly BgpSession[]): Promise<void> {
    const work = async () => {
      const changes = await changesNow();
      const previous: Changes = new Map();
      for (const [id, content] of changes) {
        const before = await readFile(this.fileOf(id), 'utf8').catch(() => null);
        if (before !== content) previous.set(id, before);
      }
      if (previous.size === 0) return;
      await this.write(new Map([...previous.keys()].map((id) => [id, changes.get(id) ?? null])));
      const secrets = sessions.flatMap((s) => (s.md5Password === undefined ? [] : [s.md5Password]));
      try {
        await this.birdc(['configure'], secrets);
      } catch (err) {
        await this.write(previous);
        // BIRD keeps running the configuration it last accepted; this puts it back in step with the restored files
        // should the failed attempt have got far enough to read the new ones (a timeout).
        await this.birdc(['configure']).catch(() => undefined);
        throw err;
      }
    };
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** A BIRD started as a metro router, with its driver. `bird.stop()` stops BIRD; the directory stays for the caller. */
export interface MetroRouter {
  bird: BirdProcess;
  router: BirdRouter;
}

/** Starts BIRD as a metro router in `dir` (config, sessions, control socket, log) listening on `listen`. */
export async function startMetroRouter(options: {
  dir: string;
  routerId: string;
  listen: BirdListen;
  timeoutMs?: number;
}): Promise<MetroRouter> {
  const sessionsDir = join(options.dir, 'sessions');
  await mkdir(sessionsDir, { recursive: true, mode: 0o700 });
  const config = renderRouterConfig({ routerId: options.routerId, sessionsDir, logFile: join(options.dir, 'bird.log') });
  const bird = await startBird({ dir: options.dir, config });
  return { bird, router: new BirdRouter({ socket: bird.socket, sessionsDir, listen: options.listen, timeoutMs: options.timeoutMs }) };
}
