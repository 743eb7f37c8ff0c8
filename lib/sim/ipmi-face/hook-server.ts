/**
 * The in-process end of ipmi_sim's chassis_control hook. ipmi_sim runs `<script> <key> get power boot` or
 * `<script> <key> set power 1 …` synchronously for every chassis command, so the hook dominates IPMI latency:
 * the script is a few lines of bash that forwards its arguments over a loopback TCP connection (bash's
 * /dev/tcp, ~2 ms per call; curl costs ~9 ms) to this server, which drives the SimMachine registered under <key>.
 *
 * Wire protocol (one request per connection): the script sends its arguments as one line; the server answers
 * the script's exit status on the first line, then the lines the script prints for ipmi_sim.
 * A non-zero exit makes ipmi_sim answer completion code 0xFF: that is how BMC faults reach IPMI clients.
 */
import { chmod, writeFile } from 'node:fs/promises';
import { createServer, Server, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { BootDevice, BootSetting, PowerAction } from '../../core/hardware';
import type { SimMachine } from '../machine';

/** Boot values ipmi_sim exchanges with the hook (its boot_map: selector 0→none, 1→pxe, 2→default, 5→cdrom, 6→bios). */
const HOOK_BOOT_TO_DEVICE: Readonly<Record<string, BootDevice | 'none'>> = {
  none: 'none',
  pxe: 'pxe',
  default: 'disk',
  cdrom: 'cdrom',
  bios: 'bios',
};

/** UEFI HTTP has no IPMI selector: the face reports no override rather than a wrong device. */
const DEVICE_TO_HOOK_BOOT: Readonly<Record<BootSetting['device'], string>> = {
  none: 'none',
  pxe: 'pxe',
  disk: 'default',
  cdrom: 'cdrom',
  bios: 'bios',
  uefi_http: 'none',
};

/** `set <parameter> <value>` → power action. */
const HOOK_POWER_ACTIONS: Readonly<Record<string, PowerAction>> = {
  'power 0': 'off',
  'power 1': 'on',
  'reset 1': 'reset',
  'shutdown 1': 'soft_off',
};

interface HookReply {
  status: number;
  lines: string[];
}

interface Registered {
  machine: SimMachine;
  /** Flags of the boot flags request ipmi_sim is about to pass on (seen by the BootFlagsRelay): it passes only the device. */
  pendingFlags?: { persistent: boolean; efi: boolean };
  /** Power actions run one after another, so a cycle's delayed "power 1" waits for its "power 0" to settle. */
  powerQueue: Promise<void>;
}

export interface HookServerOptions {
  /** How long a hook hangs on an injected 'timeout' fault (ipmi_sim is blocked meanwhile, like a hung BMC). @default 3000 */
  timeoutHangMs?: number;
}

export class HookServer {
  private readonly machines = new Map<string, Registered>();
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly timeoutHangMs: number;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    options: HookServerOptions,
  ) {
    this.timeoutHangMs = options.timeoutHangMs ?? 3000;
  }

  static async start(options: HookServerOptions = {}): Promise<HookServer> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const hooks = new HookServer(server, (server.address() as AddressInfo).port, options);
    server.on('connection', (socket) => hooks.serve(socket));
    return hooks;
  }

  /** Writes the hook script ipmi_sim runs; its first argument must be a key given to `register`. */
  async writeScript(path: string): Promise<void> {
    const script = [
      '#!/bin/bash',
      '# ipmi_sim chassis_control hook: forwards "<key> get|set ..." to the metalforge hook server.',
      `exec 3<>/dev/tcp/127.0.0.1/${this.port} || exit 1`,
      'printf \'%s\\n\' "$*" >&3',
      'IFS= read -r status <&3 || exit 1',
      'while IFS= read -r line <&3; do printf \'%s\\n\' "$line"; done',
      'exit "$status"',
      '',
    ].join('\n');
    await writeFile(path, script);
    await chmod(path, 0o755);
  }

  register(key: string, machine: SimMachine): void {
    this.machines.set(key, { machine, powerQueue: Promise.resolve() });
  }

  unregister(key: string): void {
    this.machines.delete(key);
  }

  /** The persistent and EFI flags for the next `set boot` of this key. */
  setPendingBootFlags(key: string, flags: { persistent: boolean; efi: boolean }): void {
    const registered = this.machines.get(key);
    if (registered) registered.pendingFlags = flags;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      const end = buffered.indexOf('\n');
      if (end < 0) return;
      socket.removeAllListeners('data');
      void this.handle(buffered.slice(0, end).trim().split(/\s+/)).then((reply) => {
        if (!socket.destroyed) socket.end([String(reply.status), ...reply.lines, ''].join('\n'));
      });
    });
  }

  private async handle([key, op, ...args]: string[]): Promise<HookReply> {
    const registered = this.machines.get(key);
    if (!registered) return failure(`unknown machine key ${key}`);
    const { machine } = registered;
    if (machine.faults.bmcDelayMs > 0) await this.sleep(machine.faults.bmcDelayMs);
    const fault = machine.bmcFault();
    if (fault === 'busy') return failure('BMC busy (injected fault)');
    if (fault === 'timeout') {
      await this.sleep(this.timeoutHangMs);
      return failure('BMC timed out (injected fault)');
    }
    if (op === 'get') return this.get(machine, args);
    if (op === 'set') return this.set(registered, args);
    return failure(`unknown operation ${op}`);
  }

  private get(machine: SimMachine, parameters: string[]): HookReply {
    const lines: string[] = [];
    for (const parameter of parameters) {
      if (parameter === 'power') lines.push(`power:${machine.power === 'on' ? 1 : 0}`);
      else if (parameter === 'boot') lines.push(`boot:${DEVICE_TO_HOOK_BOOT[machine.boot.device]}`);
      else return failure(`cannot get ${parameter}`);
    }
    return { status: 0, lines };
  }

  private async set(registered: Registered, args: string[]): Promise<HookReply> {
    const { machine } = registered;
    for (let i = 0; i < args.length; i += 2) {
      const [parameter, value] = [args[i], args[i + 1]];
      const action = HOOK_POWER_ACTIONS[`${parameter} ${value}`];
      if (action) {
        // Answer at once like a real BMC; the machine settles on its own timing (the driver polls).
        registered.powerQueue = registered.powerQueue.then(() => machine.setPower(action)).catch(() => undefined);
      } else if (parameter === 'boot' && value in HOOK_BOOT_TO_DEVICE) {
        const device = HOOK_BOOT_TO_DEVICE[value];
        // ipmi_sim passes only the device selector; the flags come from the relay that read the request.
        const flags = registered.pendingFlags ?? { persistent: false, efi: machine.boot.efi };
        registered.pendingFlags = undefined;
        if (device === 'none') machine.clearBootDevice();
        else machine.setBootDevice(device, flags);
      } else if (parameter === 'identify') {
        i++; // identify carries an interval and a force flag; the simulation has no LED
      } else {
        return failure(`cannot set ${parameter} to ${value}`);
      }
    }
    // One turn of the event loop lets an instant (scale 0) power action land before ipmi_sim reads the state again.
    await new Promise((resolve) => setImmediate(resolve));
    return { status: 0, lines: [] };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}

function failure(message: string): HookReply {
  return { status: 1, lines: [message] };
}
