/**
 * The native IPMI v2.0 lanplus driver: power and boot device over one reused RMCP+ session per driver,
 * commands admitted through the BMC's process-wide gate, retried with exponential backoff on answers that mean
 * "busy" (completion codes, no free session, timeouts), with the session re-opened when the BMC stopped answering.
 */
import type { BmcDriver, BmcEndpoint, BootDevice, BootSetting, DriverFeature, PowerAction, PowerState } from '../types';
import { DriverError } from '../types';
import { Clock, systemClock } from '../../core/clock';
import { CIPHER_SUITES } from '../../core/ipmi/cipher';
import { completionCodeError } from './codes';
import {
  BOOT_INFO_UNACKNOWLEDGED,
  bootFlagsRequest,
  CHASSIS_CONTROL,
  expectSuccess,
  GET_BOOT_FLAGS_REQUEST,
  IpmiTransport,
  KEEP_VALID_BIT_PAST_60S,
  parseBootFlags,
  parseChassisStatus,
  setOptionalBootParameter,
} from './commands';
import { BmcGate, gateFor } from './gate';
import type { IpmiResponse } from '../../core/ipmi/rmcp';
import { BootParameter, ChassisCmd, NetFn } from '../../core/ipmi/numbers';
import { bmcLabel, RmcpPlusSession, SessionParams } from './session';

export interface IpmiDriverOptions {
  /** Wait for each datagram's answer before retransmitting. @default 1000 */
  requestTimeoutMs?: number;
  /** Sends of one datagram before the request counts as timed out. @default 3 */
  sendsPerRequest?: number;
  /** Retries of a command after a retryable failure (busy, timeout, no free session). @default 5 */
  retries?: number;
  /** First backoff; doubles per retry up to maxBackoffMs. @default 250 */
  backoffMs?: number;
  /** @default 4000 */
  maxBackoffMs?: number;
  /** No retry starts after this much time has passed since the command began. @default 30000 */
  operationTimeoutMs?: number;
  /** Minimum time between the starts of two commands to this BMC (all drivers in the process). @default 0 */
  minIntervalMs?: number;
  /** Commands in flight to this BMC at once (all drivers in the process). @default 1 (serialized) */
  maxConcurrentPerBmc?: number;
  /** A session idle this long is re-opened before use: BMCs drop idle sessions silently. @default 25000 */
  sessionIdleMs?: number;
  /** How long setPower waits for the BMC to report the target power state. @default 60000 */
  powerSettleTimeoutMs?: number;
  /** @default 500 */
  powerPollIntervalMs?: number;
  clock?: Clock;
}

const DEFAULTS = {
  requestTimeoutMs: 1000,
  sendsPerRequest: 3,
  retries: 5,
  backoffMs: 250,
  maxBackoffMs: 4000,
  operationTimeoutMs: 30000,
  minIntervalMs: 0,
  maxConcurrentPerBmc: 1,
  sessionIdleMs: 25000,
  powerSettleTimeoutMs: 60000,
  powerPollIntervalMs: 500,
};

export const IPMI_DEFAULT_PORT = 623;

const FEATURES: ReadonlySet<DriverFeature> = new Set<DriverFeature>(['power', 'boot_device']);

/** "host", "host:port", "[v6]" or "[v6]:port". */
export function parseIpmiAddress(address: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:\s]+))(?::(\d{1,5}))?$/.exec(address.trim());
  const port = match?.[3] === undefined ? IPMI_DEFAULT_PORT : Number(match[3]);
  if (!match || port < 1 || port > 65535) {
    throw new DriverError('unreachable', `IPMI address '${address}' is not host[:port]: fix the machine's BMC address`);
  }
  return { host: match[1] ?? match[2], port };
}

class IpmiDriver implements BmcDriver {
  readonly name = 'ipmi' as const;
  readonly features = FEATURES;
  readonly power = { powerState: () => this.powerState(), setPower: (action: PowerAction) => this.setPower(action) };
  readonly boot = {
    getBootDevice: () => this.getBootDevice(),
    setBootDevice: (device: BootDevice, options?: { persistent?: boolean; efi?: boolean }) => this.setBootDevice(device, options),
  };

  private readonly label: string;
  private readonly settings: typeof DEFAULTS;
  private readonly clock: Clock;
  private readonly gate: BmcGate;
  private readonly sessionParams: SessionParams;
  private current?: RmcpPlusSession;
  private opening?: Promise<RmcpPlusSession>;
  private lastUse = 0;
  private closed = false;

  constructor(endpoint: BmcEndpoint, options: IpmiDriverOptions) {
    const { host, port } = parseIpmiAddress(endpoint.address);
    this.label = bmcLabel(host, port);
    const { clock, ...rest } = options;
    this.settings = { ...DEFAULTS, ...definedOnly(rest) };
    this.clock = clock ?? systemClock;
    if (!endpoint.username || endpoint.password === undefined) {
      throw new DriverError('auth_failed', `${this.label}: the endpoint has no username/password; IPMI lanplus needs both`);
    }
    this.sessionParams = {
      host,
      port,
      username: endpoint.username,
      password: endpoint.password,
      suite: CIPHER_SUITES[endpoint.cipherSuite ?? 3],
      requestTimeoutMs: this.settings.requestTimeoutMs,
      attempts: this.settings.sendsPerRequest,
    };
    this.gate = gateFor(`${host}:${port}`, this.clock, {
      maxConcurrent: this.settings.maxConcurrentPerBmc,
      minIntervalMs: this.settings.minIntervalMs,
    });
  }

  async powerState(): Promise<PowerState> {
    const response = await this.call(NetFn.chassis, ChassisCmd.getStatus, Buffer.alloc(0), 'Get Chassis Status');
    return parseChassisStatus(expectSuccess(response, `Get Chassis Status on ${this.label}`), this.label);
  }

  /**
   * Idempotent: on/off/soft_off on a machine already in the target state send nothing; cycle and reset of an
   * off machine power it on (the caller wants it running). on/off/soft_off/cycle resolve once the BMC reports
   * the target state; reset resolves when the BMC accepted it (a warm reset does not change the power state).
   */
  async setPower(action: PowerAction): Promise<void> {
    const current = await this.powerState();
    const target: PowerState = action === 'off' || action === 'soft_off' ? 'off' : 'on';
    if ((action === 'on' || target === 'off') && current === target) return;
    const effective: PowerAction = current === 'off' && (action === 'cycle' || action === 'reset') ? 'on' : action;
    const what = `Chassis Control (${effective})`;
    const response = await this.call(NetFn.chassis, ChassisCmd.control, Buffer.from([CHASSIS_CONTROL[effective]]), what);
    expectSuccess(response, `${what} on ${this.label}`);
    if (effective !== 'reset') await this.waitForPower(target, effective);
  }

  async getBootDevice(): Promise<BootSetting> {
    const { device, persistent, efi } = await this.readBootFlags();
    return { device, persistent, efi };
  }

  /**
   * Parameter 3 keeps the BMC from clearing the valid bit when no power action follows within 60 s, parameter 4
   * marks the setting as not yet seen by the BIOS, parameter 5 sets device + valid/persistent/EFI flags. Read-back
   * compares the device selector only: ipmi_sim (and some BMCs) report flags as 0 whatever was written, so the
   * flags cannot prove anything; a changed selector does prove the BMC dropped the setting.
   */
  async setBootDevice(device: BootDevice, options: { persistent?: boolean; efi?: boolean } = {}): Promise<void> {
    const request = bootFlagsRequest(device, { persistent: options.persistent ?? false, efi: options.efi ?? true }, this.label);
    const send: IpmiTransport = (netFn, cmd, data, what) => this.call(netFn, cmd, data, what);
    await setOptionalBootParameter(
      send,
      BootParameter.validBitClearing,
      Buffer.from([KEEP_VALID_BIT_PAST_60S]),
      `Set System Boot Options (valid bit clearing) on ${this.label}`,
    );
    await setOptionalBootParameter(
      send,
      BootParameter.bootInfoAcknowledge,
      BOOT_INFO_UNACKNOWLEDGED,
      `Set System Boot Options (boot info acknowledge) on ${this.label}`,
    );
    const what = `Set System Boot Options (boot flags: ${device})`;
    expectSuccess(await this.call(NetFn.chassis, ChassisCmd.setBootOptions, request, what), `${what} on ${this.label}`);
    const readBack = await this.readBootFlags();
    if (readBack.selector !== request[2]) {
      throw new DriverError(
        'not_applied',
        `${this.label} accepted boot device '${device}' but reports '${readBack.device}' afterwards: the BMC dropped the setting; retry`,
      );
    }
  }

  /** Closes the session on the BMC and the socket. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.opening?.catch(() => undefined); // let an open in flight finish, then close what it opened
    const session = this.current;
    this.current = undefined;
    await session?.close();
  }

  private async readBootFlags(): Promise<ReturnType<typeof parseBootFlags>> {
    const what = 'Get System Boot Options (boot flags)';
    const response = await this.call(NetFn.chassis, ChassisCmd.getBootOptions, GET_BOOT_FLAGS_REQUEST, what);
    return parseBootFlags(expectSuccess(response, `${what} on ${this.label}`), this.label);
  }

  private async waitForPower(target: PowerState, action: PowerAction): Promise<void> {
    const deadline = this.clock.now().getTime() + this.settings.powerSettleTimeoutMs;
    while ((await this.powerState()) !== target) {
      if (this.clock.now().getTime() >= deadline) {
        const hint = action === 'soft_off' ? ": the operating system ignored the ACPI shutdown; use 'off' to force" : ': check the machine';
        throw new DriverError(
          'timeout',
          `${this.label} accepted power ${action} but did not report power ${target} within ${this.settings.powerSettleTimeoutMs} ms${hint}`,
        );
      }
      await this.clock.sleep(this.settings.powerPollIntervalMs);
    }
  }

  /**
   * One command with session handling and retries. Resolves with a response whose completion code is 0 or
   * not worth retrying (the caller decides what it means); throws DriverError otherwise.
   */
  private async call(netFn: number, cmd: number, data: Buffer, what: string): Promise<IpmiResponse> {
    const started = this.clock.now().getTime();
    for (let attempt = 1; ; attempt++) {
      if (this.closed) throw new DriverError('unreachable', `${this.label}: the driver was closed`);
      let failure: DriverError;
      try {
        const response = await this.gate.run(() => this.request(netFn, cmd, data));
        if (response.completionCode === 0) return response;
        failure = completionCodeError(response.completionCode, `${what} on ${this.label}`);
        if (!failure.retryable) return response;
      } catch (err) {
        if (!(err instanceof DriverError) || !err.retryable) throw err;
        failure = err;
      }
      const backoff = Math.min(this.settings.maxBackoffMs, this.settings.backoffMs * 2 ** (attempt - 1));
      const elapsed = this.clock.now().getTime() - started;
      if (attempt > this.settings.retries || elapsed + backoff > this.settings.operationTimeoutMs) {
        throw new DriverError(failure.kind, `${failure.message} (gave up on ${what} after ${attempt} attempts in ${elapsed} ms)`, {
          cause: failure,
        });
      }
      await this.clock.sleep(backoff);
    }
  }

  private async request(netFn: number, cmd: number, data: Buffer): Promise<IpmiResponse> {
    const session = await this.openSession();
    try {
      const response = await session.request(netFn, cmd, data);
      this.lastUse = this.clock.now().getTime();
      return response;
    } catch (err) {
      // No answer in the session: the BMC may have dropped it. Start a fresh one on the next attempt.
      if (err instanceof DriverError && err.kind === 'timeout') this.forget(session, false);
      throw err;
    }
  }

  private async openSession(): Promise<RmcpPlusSession> {
    const current = this.current;
    if (current && !current.isClosed && this.clock.now().getTime() - this.lastUse <= this.settings.sessionIdleMs) return current;
    if (current) this.forget(current, !current.isClosed);
    this.opening ??= RmcpPlusSession.open(this.sessionParams)
      .then((session) => {
        this.current = session;
        this.lastUse = this.clock.now().getTime();
        return session;
      })
      .finally(() => {
        this.opening = undefined;
      });
    const session = await this.opening;
    if (this.closed) {
      await session.close();
      throw new DriverError('unreachable', `${this.label}: the driver was closed`);
    }
    return session;
  }

  /** Drops a session; `tellBmc` sends Close Session in the background (a stale but possibly live session). */
  private forget(session: RmcpPlusSession, tellBmc: boolean): void {
    if (this.current === session) this.current = undefined;
    if (tellBmc) void session.close();
    else session.discard();
  }
}

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A driver for the BMC at `endpoint.address` (host[:port], default port 623), cipher suite 3 unless the endpoint asks for 17. */
export function createIpmiDriver(endpoint: BmcEndpoint, options: IpmiDriverOptions = {}): BmcDriver {
  return new IpmiDriver(endpoint, options);
}
