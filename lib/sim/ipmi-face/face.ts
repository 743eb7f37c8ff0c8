/**
 * A real IPMI face for SimMachines: one `ipmi_sim` process (Debian openipmi, a real RMCP+ BMC) per machine on a
 * loopback UDP port, its chassis_control hook wired to the machine through one shared HookServer. It serves the
 * machine's sensors, FRU and SEL (platform.ts), kept current through ipmi_sim's console (its stdin), and a
 * Serial-over-LAN console (serial-console.ts).
 * ipmi_sim facts that shape this: always pass -c (the compiled-in config path is wrong); it needs an existing
 * state dir; without -n it exits when its console (stdin) closes, so it never outlives this process; it runs the
 * hook synchronously, allows ~63 sessions, and drops the boot valid/persistent/EFI flags (so clients talk to it
 * through a BootFlagsRelay that keeps them); its SEL clock starts at its host's uptime until someone sets it, so
 * the face sets it to the wall clock once ipmi_sim answers.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BmcEndpoint } from '../../core/hardware';
import type { SimMachine } from '../machine';
import { BootFlagsRelay } from './boot-flags-relay';
import { HookServer, HookServerOptions } from './hook-server';
import { BMC_IPMB_ADDRESS, bmcEmulation, bootSelCommand, powerSelCommand, sensorValueCommands } from './platform';
import { SerialConsole } from './serial-console';

export interface IpmiFaceOptions {
  /** @default 'admin' */
  username?: string;
  /** At most 20 bytes, no quotes. @default random */
  password?: string;
}

export interface IpmiFace {
  machineId: string;
  /** 127.0.0.1:PORT, where clients reach the BMC (its boot flags relay in front of ipmi_sim). */
  address: string;
  port: number;
  username: string;
  /** A secret: never logged. */
  password: string;
  /** Ready for createIpmiDriver. */
  endpoint: BmcEndpoint;
  /** The ipmi_sim process. */
  readonly pid: number | undefined;
  /** Restarts ipmi_sim on the same port, like a BMC cold reset: every session is lost, the machine is not touched. */
  restart(): Promise<void>;
  /** Stops ipmi_sim and removes its state. Safe to call twice. */
  close(): Promise<void>;
}

export interface IpmiFacePoolOptions extends HookServerOptions {
  /**
   * Sets a started BMC's SEL clock (e.g. lib/drivers/ipmi's setSelClock), so SEL entries carry wall-clock times.
   * @default - the SEL clock runs from ipmi_sim's start, as a BMC's does before anyone sets it
   */
  setClock?: (bmc: { port: number; username: string; password: string }) => Promise<void>;
  /** The ipmi_sim binary. @default 'ipmi_sim' */
  ipmiSimPath?: string;
  /** How long to wait for ipmi_sim to answer after starting. @default 10000 */
  startTimeoutMs?: number;
}

const PORT_ATTEMPTS = 3;
/** Storage netFn, Set SEL Time (IPMI 2.0 section 31.11). */
const SOL_BAUD = 115200;

export function lanConf(params: {
  name: string;
  port: number;
  guid: string;
  hookCommand: string;
  username: string;
  password: string;
  /** Where Serial-over-LAN connects: the machine's serial console on a loopback TCP port. */
  solPort: number;
}): string {
  const auths = 'none md2 md5 straight';
  return [
    `name "${params.name}"`,
    `set_working_mc ${BMC_IPMB_ADDRESS}`,
    'startlan 1',
    `  addr 127.0.0.1 ${params.port}`,
    '  priv_limit admin',
    `  allowed_auths_callback ${auths}`,
    `  allowed_auths_user ${auths}`,
    `  allowed_auths_operator ${auths}`,
    `  allowed_auths_admin ${auths}`,
    `  guid ${params.guid}`,
    'endlan',
    `chassis_control "${params.hookCommand}"`,
    `sol "tcp:127.0.0.1:${params.solPort}" ${SOL_BAUD}`,
    `user 2 true "${params.username}" "${params.password}" admin 10 ${auths}`,
    '',
  ].join('\n');
}

function checkCredential(what: string, value: string, maxBytes: number): void {
  if (Buffer.byteLength(value) > maxBytes || Buffer.byteLength(value) === 0 || /["\s\\]/.test(value)) {
    throw new RangeError(`IPMI face ${what} must be 1–${maxBytes} bytes without quotes, spaces or backslashes`);
  }
}

/** A loopback UDP port that was free a moment ago (ipmi_sim binds it itself; a lost race is retried). */
async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** RMCP/ASF presence ping (class 6); ipmi_sim answers with a presence pong once its LAN channel is up. */
const PRESENCE_PING = Buffer.from([0x06, 0x00, 0xff, 0x06, 0x00, 0x00, 0x11, 0xbe, 0x80, 0x00, 0x00, 0x00]);
const PRESENCE_PONG = 0x40;

async function waitUntilAnswering(port: number, child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<void> {
  const socket = createSocket('udp4');
  socket.on('error', () => undefined); // ECONNREFUSED until ipmi_sim binds: keep pinging
  try {
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(
        () => finish(new Error(`ipmi_sim did not answer on 127.0.0.1:${port} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const ping = setInterval(() => socket.send(PRESENCE_PING, port, '127.0.0.1'), 50);
      const exited = (code: number | null) =>
        finish(new Error(`ipmi_sim exited (code ${code}) before answering: ${stderr().trim() || 'no output'}`));
      const finish = (err?: Error) => {
        clearTimeout(deadline);
        clearInterval(ping);
        child.off('exit', exited);
        if (err) reject(err);
        else resolve();
      };
      child.once('exit', exited);
      socket.on('message', (msg) => {
        if (msg.length > 8 && msg[3] === 0x06 && msg[8] === PRESENCE_PONG) finish();
      });
      socket.send(PRESENCE_PING, port, '127.0.0.1');
    });
  } finally {
    socket.close();
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin?.end();
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 2000);
  await exited;
  clearTimeout(killer);
}

/** Faces for many machines sharing one hook server and one temp dir. */
export class IpmiFacePool {
  private readonly faces = new Set<IpmiFace>();
  private counter = 0;
  private closing?: Promise<void>;

  private constructor(
    private readonly dir: string,
    private readonly hooks: HookServer,
    private readonly script: string,
    private readonly options: IpmiFacePoolOptions,
  ) {}

  static async create(options: IpmiFacePoolOptions = {}): Promise<IpmiFacePool> {
    const dir = await mkdtemp(join(tmpdir(), 'metalforge-ipmi-'));
    try {
      const hooks = await HookServer.start(options);
      const script = join(dir, 'chassis-control');
      await hooks.writeScript(script);
      return new IpmiFacePool(dir, hooks, script, options);
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Starts ipmi_sim for `machine` and resolves once it answers on its port. */
  async start(machine: SimMachine, options: IpmiFaceOptions = {}): Promise<IpmiFace> {
    const username = options.username ?? 'admin';
    const password = options.password ?? randomBytes(8).toString('hex');
    checkCredential('username', username, 16);
    checkCredential('password', password, 20);
    const key = `m${++this.counter}`;
    const faceDir = join(this.dir, key);
    const stateDir = join(faceDir, 'state');
    await mkdir(stateDir, { recursive: true });
    this.hooks.register(key, machine);
    const serialConsole = await SerialConsole.start(machine);
    const launch = async (port: number): Promise<ChildProcess> => {
      // Sensors start from the machine's power state now (a restart must not show a running machine's fans at 0).
      await writeFile(join(faceDir, 'bmc.emu'), bmcEmulation(machine.id, machine.inventory, machine.power));
      const child = spawn(
        this.options.ipmiSimPath ?? 'ipmi_sim',
        ['-c', join(faceDir, 'lan.conf'), '-f', join(faceDir, 'bmc.emu'), '-s', stateDir],
        {
          // Without -n ipmi_sim reads commands on stdin and exits at EOF: if this process dies, so does ipmi_sim.
          stdio: ['pipe', 'ignore', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
      child.on('error', (err) => (stderr += `\n${err.message}`));
      try {
        await waitUntilAnswering(port, child, this.options.startTimeoutMs ?? 10000, () => stderr);
        // The simulator knows no IPMI client (that is a driver): its composer sets the clock, when it wants real times.
        await this.options.setClock?.({ port, username, password });
        return child;
      } catch (err) {
        await stopProcess(child);
        throw err;
      }
    };
    let lastError: Error | undefined;
    for (let attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
      const port = await freeUdpPort();
      const conf = lanConf({
        name: `metalforge-${key}`,
        port,
        guid: randomBytes(16).toString('hex'),
        hookCommand: `${this.script} ${key}`,
        username,
        password,
        solPort: serialConsole.port,
      });
      await writeFile(join(faceDir, 'lan.conf'), conf, { mode: 0o600 });
      let child: ChildProcess;
      try {
        child = await launch(port);
      } catch (err) {
        lastError = err as Error;
        continue;
      }
      let relay: BootFlagsRelay;
      try {
        relay = await BootFlagsRelay.start({
          upstreamPort: port,
          password,
          onSetFlags: (flags) => this.hooks.setPendingBootFlags(key, flags),
          currentBoot: () => machine.boot,
        });
      } catch (err) {
        await stopProcess(child);
        lastError = err as Error;
        continue;
      }
      const address = `127.0.0.1:${relay.port}`;
      let closing: Promise<void> | undefined;
      // ipmi_sim's console takes emulation commands: the SEL records power and boot changes, sensors follow power.
      const emulate = (commands: string[]) => {
        if (child.stdin?.writable) child.stdin.write(`${commands.join('\n')}\n`);
      };
      const onPower = (power: 'on' | 'off') => emulate([powerSelCommand(power), ...sensorValueCommands(machine.inventory, power)]);
      const onBooted = ({ source }: { source: string }) => emulate([bootSelCommand(source)]);
      machine.on('power', onPower);
      machine.on('booted', onBooted);
      const face: IpmiFace = {
        machineId: machine.id,
        address,
        port: relay.port,
        username,
        password,
        endpoint: { driver: 'ipmi', address, username, password },
        get pid() {
          return child.pid;
        },
        restart: async () => {
          await stopProcess(child);
          child = await launch(port);
        },
        close: () =>
          (closing ??= (async () => {
            this.faces.delete(face);
            machine.off('power', onPower);
            machine.off('booted', onBooted);
            relay.close();
            await stopProcess(child);
            await serialConsole.close();
            this.hooks.unregister(key);
            await rm(faceDir, { recursive: true, force: true });
          })()),
      };
      this.faces.add(face);
      return face;
    }
    this.hooks.unregister(key);
    await serialConsole.close();
    await rm(faceDir, { recursive: true, force: true });
    throw new Error(`cannot start an IPMI face for machine ${machine.id}: ${lastError?.message}`);
  }

  /** Stops every face, the hook server, and removes the temp dir. Safe to call twice. */
  close(): Promise<void> {
    return (this.closing ??= (async () => {
      await Promise.all([...this.faces].map((face) => face.close()));
      await this.hooks.close();
      await rm(this.dir, { recursive: true, force: true });
    })());
  }
}

/** One machine, one face, its own hook server: closing the face closes everything. */
export async function startIpmiFace(machine: SimMachine, options: IpmiFaceOptions & IpmiFacePoolOptions = {}): Promise<IpmiFace> {
  const pool = await IpmiFacePool.create(options);
  try {
    const face = await pool.start(machine, options);
    return Object.defineProperties({}, { ...Object.getOwnPropertyDescriptors(face), close: { value: () => pool.close() } }) as IpmiFace;
  } catch (err) {
    await pool.close();
    throw err;
  }
}
