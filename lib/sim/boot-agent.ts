/**
 * The simulated machines' network boot: what a real server's NIC firmware and installer do after a PXE boot,
 * over real HTTP against the boot service. It fetches the iPXE script by the first NIC's MAC and runs it (a
 * small iPXE interpreter: echo, set, sleep, kernel, initrd, boot, chain, exit); a `boot` runs the simulated
 * installer: download kernel and initrd, read metadata, report progress, install for installMs on the clock,
 * write the OS to the disk, phone home, reboot into the installed OS. The rescue system's kernel instead reads
 * metadata and phones home, running from memory: the disk keeps what it had. A power-off or a new boot abandons
 * the run in progress.
 * Tokens travel only in headers and bodies and never appear in outcomes.
 */
import { BOOT_TOKEN_HEADER, INSTALLER_KERNEL_ARGS } from '../contract/boot';
import { Clock, systemClock } from '../core/clock';
import type { BootSource, SimMachine } from './machine';

type OutcomeDetail =
  | { kind: 'installed'; deviceId: string }
  | { kind: 'install_failed'; deviceId: string }
  /** The rescue system booted and reported in. */
  | { kind: 'rescued'; deviceId: string }
  /** The script handed control back to the firmware (boot from disk). */
  | { kind: 'exited' }
  /** The script chained to a custom script outside the boot service. */
  | { kind: 'chained'; url: string }
  /** Power-off or a new boot interrupted the run. */
  | { kind: 'aborted' }
  | { kind: 'error'; message: string };

/** What one PXE boot came to; `console` holds what the scripts echoed. */
export type BootOutcome = { machineId: string; console: string[] } & OutcomeDetail;

export interface BootAgentOptions {
  /** The boot service as machines reach it, e.g. http://127.0.0.1:8081. */
  bootBaseUrl: string;
  clock?: Clock;
  onOutcome?: (outcome: BootOutcome) => void;
}

/** Chains into the boot service deeper than this are a loop. */
const MAX_CHAIN_DEPTH = 8;

/** Starts netbooting `machines` on every PXE boot; returns a function that detaches and abandons runs. */
export function attachBootAgent(machines: Iterable<SimMachine>, options: BootAgentOptions): () => void {
  const detachers = [...machines].map((machine) => attachOne(machine, options));
  return () => detachers.forEach((detach) => detach());
}

function attachOne(machine: SimMachine, options: BootAgentOptions): () => void {
  let current: AbortController | undefined;
  const abandon = () => {
    current?.abort();
    current = undefined;
  };
  const onBooted = ({ source }: { source: BootSource }) => {
    abandon();
    if (source !== 'pxe') return;
    const run = new AbortController();
    current = run;
    void netboot(machine, run.signal, options).then((outcome) => {
      if (current === run) current = undefined;
      options.onOutcome?.(outcome);
    });
  };
  const onPower = (state: string) => {
    if (state === 'off') abandon();
  };
  machine.on('booted', onBooted);
  machine.on('power', onPower);
  return () => {
    machine.off('booted', onBooted);
    machine.off('power', onPower);
    abandon();
  };
}

class Aborted extends Error {}

/** One PXE boot of one machine, from the first script to its outcome; never throws. */
async function netboot(machine: SimMachine, signal: AbortSignal, options: BootAgentOptions): Promise<BootOutcome> {
  const run = new NetbootRun(machine, signal, options);
  try {
    return { machineId: machine.id, console: run.console, ...(await run.start()) };
  } catch (error) {
    if (signal.aborted || error instanceof Aborted) return { machineId: machine.id, console: run.console, kind: 'aborted' };
    return { machineId: machine.id, console: run.console, kind: 'error', message: (error as Error).message };
  }
}

interface KernelImage {
  url: string;
  args: Map<string, string>;
}

type ScriptEnd = { kind: 'boot'; kernel: KernelImage; initrds: string[] } | { kind: 'exit' } | { kind: 'chain'; url: string };

class NetbootRun {
  readonly console: string[] = [];
  private readonly base: string;
  private readonly clock: Clock;
  private readonly variables = new Map<string, string>();

  constructor(
    private readonly machine: SimMachine,
    private readonly signal: AbortSignal,
    options: BootAgentOptions,
  ) {
    this.base = options.bootBaseUrl.replace(/\/+$/, '');
    this.clock = options.clock ?? systemClock;
  }

  async start(): Promise<OutcomeDetail> {
    const nic = this.machine.inventory.nics[0];
    if (!nic) return { kind: 'error', message: `machine ${this.machine.id} has no NIC to PXE boot from` };
    this.variables.set('net0/mac', nic.mac);
    const end = await this.runScript(`${this.base}/boot/ipxe?mac=${encodeURIComponent(nic.mac)}`, 0);
    if (end.kind === 'boot') {
      const rescue = end.kernel.args.get(INSTALLER_KERNEL_ARGS.mode) === 'rescue';
      return rescue ? this.rescue(end.kernel, end.initrds) : this.install(end.kernel, end.initrds);
    }
    return end.kind === 'exit' ? { kind: 'exited' } : { kind: 'chained', url: end.url };
  }

  /** Runs one iPXE script, following chains back into the boot service. */
  private async runScript(url: string, depth: number): Promise<ScriptEnd> {
    if (depth > MAX_CHAIN_DEPTH) throw new Error(`more than ${MAX_CHAIN_DEPTH} chained iPXE scripts: a boot loop`);
    const text = await this.request('GET', url);
    const lines = text.split('\n').map((line) => line.trim());
    if (lines[0] !== '#!ipxe') throw new Error(`${stripQuery(url)} did not answer an iPXE script`);
    let kernel: KernelImage | undefined;
    const initrds: string[] = [];
    for (const line of lines.slice(1)) {
      if (line === '' || line.startsWith('#')) continue;
      const [command, ...words] = this.expand(line).split(/\s+/);
      const operands = words.filter((word) => !word.startsWith('--'));
      if (['kernel', 'initrd', 'chain'].includes(command) && operands.length === 0) {
        throw new Error(`"${command}" without a URL in the script from ${stripQuery(url)}`);
      }
      switch (command) {
        case 'echo':
          this.console.push(words.join(' '));
          break;
        case 'set':
          this.variables.set(operands[0], operands.slice(1).join(' '));
          break;
        case 'sleep':
          await this.wait(Number(operands[0]) * 1000 * this.machine.scale);
          break;
        case 'kernel':
          kernel = { url: operands[0], args: new Map(operands.slice(1).map(keyValue)) };
          break;
        case 'initrd':
          initrds.push(operands[operands.length - 1]);
          break;
        case 'boot':
          if (!kernel) throw new Error('the iPXE script booted without loading a kernel');
          return { kind: 'boot', kernel, initrds };
        case 'chain':
          if (!operands[0].startsWith(`${this.base}/`)) return { kind: 'chain', url: operands[0] };
          return this.runScript(operands[0], depth + 1);
        case 'exit':
          return { kind: 'exit' };
        default:
          throw new Error(`unsupported iPXE command "${command}" in the script from ${stripQuery(url)}`);
      }
    }
    // A script that ends returns to the firmware, like exit.
    return { kind: 'exit' };
  }

  /**
   * Starts the booted system: downloads its kernel and initrds, then reads the device's metadata with the token
   * from the kernel arguments.
   */
  private async load(kernel: KernelImage, initrds: string[]) {
    const arg = (name: string) => kernel.args.get(name);
    const token = arg(INSTALLER_KERNEL_ARGS.token);
    const metadataUrl = arg(INSTALLER_KERNEL_ARGS.metadataUrl);
    const phoneHomeUrl = arg(INSTALLER_KERNEL_ARGS.phoneHomeUrl);
    if (!token || !metadataUrl || !phoneHomeUrl) {
      throw new Error('the kernel arguments lack the metadata URL, the phone-home URL or the token');
    }
    for (const file of [kernel.url, ...initrds]) await this.request('GET', file);
    const auth = { [BOOT_TOKEN_HEADER]: token };
    const metadata = JSON.parse(await this.request('GET', metadataUrl, { headers: auth })) as {
      id: string;
      hostname: string;
      operating_system: { slug: string };
    };
    return { token, auth, phoneHomeUrl, eventsUrl: arg(INSTALLER_KERNEL_ARGS.eventsUrl), metadata };
  }

  /** The rescue system: up from memory with the device's metadata (its SSH keys), it reports in and writes nothing. */
  private async rescue(kernel: KernelImage, initrds: string[]): Promise<OutcomeDetail> {
    const { token, phoneHomeUrl, metadata } = await this.load(kernel, initrds);
    await this.request('POST', phoneHomeUrl, { body: { token } });
    return { kind: 'rescued', deviceId: metadata.id };
  }

  /** The simulated installer the kernel arguments point at. */
  private async install(kernel: KernelImage, initrds: string[]): Promise<OutcomeDetail> {
    const { token, auth, phoneHomeUrl, eventsUrl, metadata } = await this.load(kernel, initrds);
    const report = async (state: 'running' | 'failed', message: string, percentage?: number) => {
      if (!eventsUrl) return;
      // Progress is best effort: an installer keeps installing when its report is refused.
      await this.request('POST', eventsUrl, { headers: auth, body: { state, message, percentage } }).catch((error) => {
        if (this.signal.aborted) throw error;
      });
    };
    await report('running', `installing ${metadata.operating_system.slug} on ${metadata.hostname}`, 0);
    const fails = this.machine.installFails();
    const installMs = this.machine.duration('installMs');
    const firstHalf = Math.floor(installMs / 2);
    await this.wait(firstHalf);
    await report('running', 'writing the image to disk', 50);
    if (fails) {
      await report('failed', 'install failed: writing the image to disk failed');
      return { kind: 'install_failed', deviceId: metadata.id };
    }
    await this.wait(installMs - firstHalf);
    this.machine.writeDisk(metadata.operating_system.slug);
    await this.request('POST', phoneHomeUrl, { body: { token } });
    // Installed: reboot into the new OS, as a real installer does.
    await this.machine.setPower('reset');
    return { kind: 'installed', deviceId: metadata.id };
  }

  private async wait(ms: number): Promise<void> {
    if (ms > 0) await this.clock.sleep(ms);
    if (this.signal.aborted) throw new Aborted();
  }

  /**
   * One HTTP exchange, answering the body as text; a non-2xx answer is an error naming the URL (without its
   * query) and the service's message.
   */
  private async request(
    method: 'GET' | 'POST',
    url: string,
    init: { headers?: Record<string, string>; body?: unknown } = {},
  ): Promise<string> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        signal: this.signal,
        headers: { ...init.headers, ...(init.body !== undefined && { 'content-type': 'application/json' }) },
        body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
      });
      text = await response.text();
    } catch (error) {
      if (this.signal.aborted) throw new Aborted();
      // fetch says only "fetch failed"; the cause says why (refused, reset, DNS).
      const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
      throw new Error(`${method} ${stripQuery(url)} failed: ${cause}`);
    }
    if (this.signal.aborted) throw new Aborted();
    if (!response.ok) {
      let detail = text;
      try {
        detail = (JSON.parse(text) as { errors?: string[] }).errors?.join('; ') ?? text;
      } catch {
        // Not JSON: keep the text.
      }
      throw new Error(`${method} ${stripQuery(url)} answered ${response.status}: ${detail}`);
    }
    return text;
  }

  /** ${name} → the variable's value ('' when unset), as iPXE expands settings. */
  private expand(line: string): string {
    return line.replace(/\$\{([^}]+)\}/g, (_match, name: string) => this.variables.get(name) ?? '');
  }
}

function keyValue(word: string): [string, string] {
  const at = word.indexOf('=');
  return at < 0 ? [word, ''] : [word.slice(0, at), word.slice(at + 1)];
}

/** Query strings may hold tokens; messages name only the path. */
function stripQuery(url: string): string {
  return url.split('?')[0];
}
