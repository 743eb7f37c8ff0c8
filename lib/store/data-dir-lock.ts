/**
 * One writer per PGlite data directory: PGlite has no locking of its own, and two processes writing one directory
 * silently lose each other's commits. A lock file next to the directory names its holder (pid, host, start time);
 * a second server is refused with that name, and the lock of a holder that is gone (kill -9, reboot) is taken over.
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

export interface LockHolder {
  pid: number;
  host: string;
  started_at: string;
  /** Linux boot id: a pid from before a reboot names no process of this boot. */
  boot_id?: string;
  /** Where the holder serves its API, once it listens (`metalforge backup` asks a running server there). */
  url?: string;
}

export interface DataDirLock {
  readonly path: string;
  /** Adds where this holder serves its API to the lock file. */
  announce(url: string): void;
  release(): void;
}

/** Thrown when another live server holds the data directory. */
export class DataDirLockedError extends Error {
  constructor(
    readonly path: string,
    readonly holder: LockHolder,
  ) {
    super(
      `the data directory is in use by another metalforge server (pid ${holder.pid} on ${holder.host}, started ${holder.started_at}; lock file ${path}): ` +
        'stop that server first, or give this one its own --data-dir. If that server is gone and the lock stayed behind (another host), delete the lock file',
    );
  }
}

/** Takes the lock of `dataDir` (the lock file is `<dataDir>.lock`), or throws DataDirLockedError naming the holder. */
export function lockDataDir(dataDir: string): DataDirLock {
  const path = `${dataDir}.lock`;
  const me: LockHolder = { pid: process.pid, host: hostname(), started_at: new Date().toISOString(), boot_id: bootId() };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path, me)) return held(path, me);
    const holder = readHolder(path);
    if (!holder) continue; // released (or half written by a starter that died) meanwhile: try again
    if (isAlive(holder)) throw new DataDirLockedError(path, holder);
    // Stale: move it aside atomically, so that of two servers taking it over at once only one succeeds.
    const aside = `${path}.stale-${process.pid}`;
    try {
      renameSync(path, aside);
    } catch {
      continue;
    }
    const moved = readHolder(aside);
    unlinkSync(aside);
    // Another starter replaced the stale lock between our read and our rename: that one is live, give it back.
    if (moved && (moved.pid !== holder.pid || moved.started_at !== holder.started_at) && isAlive(moved)) {
      tryCreate(path, moved);
      throw new DataDirLockedError(path, moved);
    }
  }
  const holder = readHolder(path);
  throw holder
    ? new DataDirLockedError(path, holder)
    : new Error(`could not take the lock file ${path}; check that the data directory is writable`);
}

function held(path: string, me: LockHolder): DataDirLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    const holder = readHolder(path);
    if (holder?.pid === me.pid && holder.started_at === me.started_at && existsSync(path)) unlinkSync(path);
  };
  process.on('exit', release);
  const announce = (url: string) => {
    if (released) return;
    // Written aside and renamed, so a reader never sees half a record.
    const next = `${path}.${process.pid}`;
    writeFileSync(next, JSON.stringify({ ...me, url }) + '\n', { mode: 0o644 });
    renameSync(next, path);
  };
  return { path, announce, release };
}

/** The live holder of `dataDir`'s lock, if any (a lock left behind by a process that is gone does not count). */
export function lockHolder(dataDir: string): LockHolder | undefined {
  const holder = readHolder(`${dataDir}.lock`);
  return holder && isAlive(holder) ? holder : undefined;
}

function tryCreate(path: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, JSON.stringify(holder) + '\n');
  } finally {
    closeSync(fd);
  }
  return true;
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
    return typeof parsed.pid === 'number' && typeof parsed.host === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A holder on another host cannot be checked from here: it counts as alive. */
function isAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true;
  const boot = bootId();
  if (boot && holder.boot_id && boot !== holder.boot_id) return false;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}
