/**
 * One RMCP+ (IPMI v2.0 lanplus) session over UDP: Get Channel Authentication Capabilities → Open Session →
 * RAKP 1–4 → Set Session Privilege Level → requests → Close Session. Retransmits on a per-request timeout and
 * matches answers by message tag / requester sequence; decides nothing about retries beyond that (the driver does).
 */
import { createSocket, Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { randomBytes } from 'node:crypto';
import { DriverError } from '../types';
import {
  CipherSuite,
  deriveSessionKeys,
  MAX_USERNAME_LENGTH,
  rakp2AuthCode,
  rakp3AuthCode,
  rakp4Icv,
  RakpExchange,
  SessionKeys,
  sessionIntegrityKey,
  uint32le,
  userKey,
} from '../../core/ipmi/cipher';
import { sessionStatusError, completionCodeError } from './codes';
import { NetFn } from '../../core/ipmi/numbers';
import {
  decodeIpmiResponse,
  decodePacket,
  encodeIpmiRequest,
  encodeV15Packet,
  encodeV20Packet,
  IpmiResponse,
  PayloadType,
} from '../../core/ipmi/rmcp';

const AppCmd = { getChannelAuthCapabilities: 0x38, setSessionPrivilege: 0x3b, closeSession: 0x3c } as const;
const PRIVILEGE_ADMIN = 0x04;
/** RAKP1 role byte: admin with "name-only lookup" (bit 4), as ipmitool sends it. */
const ROLE_ADMIN_NAME_ONLY = 0x10 | PRIVILEGE_ADMIN;
/** Status a console sends in RAKP3 when RAKP2 did not verify, so the BMC frees the half-open session. */
const STATUS_INVALID_INTEGRITY_CHECK = 0x0f;

export interface SessionParams {
  host: string;
  port: number;
  username: string;
  password: string;
  suite: CipherSuite;
  /** How long to wait for each datagram's answer before retransmitting. */
  requestTimeoutMs: number;
  /** Sends per request (first send included). */
  attempts: number;
}

export function bmcLabel(host: string, port: number): string {
  return `IPMI BMC ${isIPv6(host) ? `[${host}]` : host}:${port}`;
}

interface Waiter {
  accept(datagram: Buffer): boolean;
  fail(err: Error): void;
}

/** A connected UDP socket that hands every datagram to whoever is waiting for an answer. */
class UdpChannel {
  private readonly waiters = new Set<Waiter>();

  private constructor(
    private readonly socket: Socket,
    private readonly label: string,
  ) {
    socket.on('message', (datagram) => {
      for (const waiter of this.waiters) if (waiter.accept(datagram)) return;
    });
    // ICMP port-unreachable surfaces as ECONNREFUSED on a connected socket: fail fast instead of timing out.
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const error = new DriverError(
        'unreachable',
        `${this.label} refused the datagram (${err.code ?? err.message}): check the address and port`,
      );
      for (const waiter of [...this.waiters]) waiter.fail(error);
    });
  }

  static async connect(host: string, port: number, label: string): Promise<UdpChannel> {
    const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.connect(port, host, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      socket.close();
      throw new DriverError('unreachable', `${label}: cannot reach ${host}:${port} (${(err as Error).message})`, {
        cause: err,
      });
    }
    return new UdpChannel(socket, label);
  }

  send(datagram: Buffer): Promise<void> {
    return new Promise((resolve) => this.socket.send(datagram, () => resolve()));
  }

  /**
   * Sends `build()` up to `attempts` times (a fresh datagram each time), resolving with the first datagram
   * `parse` recognises; `parse` returns undefined for datagrams that are not the answer (or are malformed).
   */
  async exchange<T>(
    build: () => Buffer,
    parse: (datagram: Buffer) => T | undefined,
    timeoutMs: number,
    attempts: number,
    what: string,
  ): Promise<T> {
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const answer = await new Promise<{ value: T } | undefined>((resolve, reject) => {
        const waiter: Waiter = {
          accept: (datagram) => {
            let value: T | undefined;
            try {
              value = parse(datagram);
            } catch {
              return false; // malformed or foreign datagram: keep waiting
            }
            if (value === undefined) return false;
            settle();
            resolve({ value });
            return true;
          },
          fail: (err) => {
            settle();
            reject(err);
          },
        };
        const timer = setTimeout(() => {
          settle();
          resolve(undefined);
        }, timeoutMs);
        const settle = () => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
        };
        this.waiters.add(waiter);
        const sendFailed = (err: Error) =>
          waiter.fail(new DriverError('unreachable', `${this.label}: cannot send ${what} (${err.message})`, { cause: err }));
        try {
          this.socket.send(build(), (err) => err && sendFailed(err));
        } catch (err) {
          sendFailed(err as Error); // the socket was closed under us
        }
      });
      if (answer) return answer.value;
    }
    throw new DriverError(
      'timeout',
      `${this.label} did not answer ${what} (${attempts} tries, ${timeoutMs} ms each): check that the BMC is up and reachable`,
    );
  }

  close(): void {
    const error = new DriverError('unreachable', `${this.label}: session closed`);
    for (const waiter of [...this.waiters]) waiter.fail(error);
    this.socket.close();
  }
}

/** An established, admin-privileged RMCP+ session. */
export class RmcpPlusSession {
  private sequence = 1;
  private rqSeq = 0;
  private closed = false;

  private constructor(
    private readonly channel: UdpChannel,
    private readonly params: SessionParams,
    readonly label: string,
    private readonly consoleSessionId: number,
    readonly bmcSessionId: number,
    private readonly keys: SessionKeys,
  ) {}

  /** Logs in. Throws DriverError: auth_failed (never naming the password), busy (no free session), unsupported, timeout, unreachable. */
  static async open(params: SessionParams): Promise<RmcpPlusSession> {
    const label = bmcLabel(params.host, params.port);
    const username = Buffer.from(params.username, 'utf8');
    if (username.length > MAX_USERNAME_LENGTH) {
      throw new DriverError(
        'auth_failed',
        `${label}: IPMI user names are at most ${MAX_USERNAME_LENGTH} bytes; '${params.username}' is longer`,
      );
    }
    let kuid: Buffer;
    try {
      kuid = userKey(params.password);
    } catch (err) {
      throw new DriverError('auth_failed', `${label}: ${(err as Error).message}; the configured password is longer`);
    }
    const channel = await UdpChannel.connect(params.host, params.port, label);
    try {
      return await RmcpPlusSession.handshake(channel, params, label, username, kuid);
    } catch (err) {
      channel.close();
      throw err;
    }
  }

  private static async handshake(
    channel: UdpChannel,
    params: SessionParams,
    label: string,
    username: Buffer,
    kuid: Buffer,
  ): Promise<RmcpPlusSession> {
    const { suite, requestTimeoutMs: timeout, attempts } = params;
    const exchange = <T>(build: () => Buffer, parse: (d: Buffer) => T | undefined, what: string) =>
      channel.exchange(build, parse, timeout, attempts, what);

    // 1. Get Channel Authentication Capabilities (IPMI v1.5 framing, no session): does the channel speak RMCP+?
    const caps = await exchange(
      () =>
        encodeV15Packet(
          encodeIpmiRequest({
            netFn: NetFn.app,
            cmd: AppCmd.getChannelAuthCapabilities,
            rqSeq: 0,
            data: Buffer.from([0x8e, PRIVILEGE_ADMIN]),
          }),
        ),
      (d) => {
        const packet = decodePacket(d);
        if (packet.version !== '1.5') return undefined;
        const response = decodeIpmiResponse(packet.message);
        return response.cmd === AppCmd.getChannelAuthCapabilities ? response : undefined;
      },
      'Get Channel Authentication Capabilities',
    );
    if (caps.completionCode !== 0) throw completionCodeError(caps.completionCode, `Get Channel Authentication Capabilities on ${label}`);
    if (caps.data.length < 4 || (caps.data[1] & 0x80) === 0 || (caps.data[3] & 0x02) === 0) {
      throw new DriverError(
        'unsupported',
        `${label} does not offer IPMI v2.0 (RMCP+) on this channel: enable IPMI over LAN v2.0 / lanplus on the BMC`,
      );
    }

    // 2. Open Session: propose the suite's algorithms, learn the BMC's session ID.
    const consoleSessionId = randomBytes(4).readUInt32LE() || 1;
    const openTag = randomBytes(1)[0];
    const algorithm = (type: number, value: number) => Buffer.from([type, 0, 0, 0x08, value, 0, 0, 0]);
    const opened = await exchange(
      () =>
        encodeV20Packet({
          payloadType: PayloadType.openSessionRequest,
          sessionId: 0,
          sequence: 0,
          payload: Buffer.concat([
            Buffer.from([openTag, PRIVILEGE_ADMIN, 0, 0]),
            uint32le(consoleSessionId),
            algorithm(0x00, suite.authAlgorithm),
            algorithm(0x01, suite.integrityAlgorithm),
            algorithm(0x02, suite.confidentialityAlgorithm),
          ]),
        }),
      (d) => preSessionPayload(d, PayloadType.openSessionResponse, openTag),
      'Open Session',
    );
    if (opened[1] !== 0) throw sessionStatusError(opened[1], `Open Session on ${label}`);
    if (opened.length < 36 || opened.readUInt32LE(4) !== consoleSessionId) {
      throw new DriverError(
        'protocol',
        `${label} answered Open Session for another session: check for a NAT or a second BMC on the address`,
      );
    }
    if (opened[16] !== suite.authAlgorithm || opened[24] !== suite.integrityAlgorithm || opened[32] !== suite.confidentialityAlgorithm) {
      throw new DriverError('unsupported', `${label} does not accept cipher suite ${suite.id}`);
    }
    const bmcSessionId = opened.readUInt32LE(8);

    // 3. RAKP1/2: exchange randoms; the BMC proves it knows the password.
    const consoleRandom = randomBytes(16);
    const rakpTag = randomBytes(1)[0];
    const rakp2 = await exchange(
      () =>
        encodeV20Packet({
          payloadType: PayloadType.rakp1,
          sessionId: 0,
          sequence: 0,
          payload: Buffer.concat([
            Buffer.from([rakpTag, 0, 0, 0]),
            uint32le(bmcSessionId),
            consoleRandom,
            Buffer.from([ROLE_ADMIN_NAME_ONLY, 0, 0, username.length]),
            username,
          ]),
        }),
      (d) => preSessionPayload(d, PayloadType.rakp2, rakpTag),
      'RAKP Message 1',
    );
    if (rakp2[1] !== 0) throw sessionStatusError(rakp2[1], `RAKP Message 1 (login as '${params.username}') on ${label}`);
    const hashLength = suite.hash === 'sha1' ? 20 : 32;
    if (rakp2.length < 40 + hashLength) throw new DriverError('protocol', `${label} sent a truncated RAKP Message 2`);
    const rakp: RakpExchange = {
      consoleSessionId,
      bmcSessionId,
      consoleRandom,
      bmcRandom: rakp2.subarray(8, 24),
      bmcGuid: rakp2.subarray(24, 40),
      role: ROLE_ADMIN_NAME_ONLY,
      username,
    };
    if (!rakp2AuthCode(suite, kuid, rakp).equals(rakp2.subarray(40, 40 + hashLength))) {
      await channel.send(
        encodeV20Packet({
          payloadType: PayloadType.rakp3,
          sessionId: 0,
          sequence: 0,
          payload: Buffer.concat([Buffer.from([rakpTag, STATUS_INVALID_INTEGRITY_CHECK, 0, 0]), uint32le(bmcSessionId)]),
        }),
      );
      throw new DriverError(
        'auth_failed',
        `${label} rejected the login of '${params.username}': the BMC's RAKP2 signature does not match the configured password (wrong password?)`,
      );
    }

    // 4. RAKP3/4: we prove we know the password; both sides derive the session keys.
    const rakp4 = await exchange(
      () =>
        encodeV20Packet({
          payloadType: PayloadType.rakp3,
          sessionId: 0,
          sequence: 0,
          payload: Buffer.concat([Buffer.from([rakpTag, 0, 0, 0]), uint32le(bmcSessionId), rakp3AuthCode(suite, kuid, rakp)]),
        }),
      (d) => preSessionPayload(d, PayloadType.rakp4, rakpTag),
      'RAKP Message 3',
    );
    if (rakp4[1] !== 0) throw sessionStatusError(rakp4[1], `RAKP Message 3 (login as '${params.username}') on ${label}`);
    const sik = sessionIntegrityKey(suite, kuid, rakp);
    if (!rakp4Icv(suite, sik, rakp).equals(rakp4.subarray(8, 8 + suite.icvLength))) {
      throw new DriverError('auth_failed', `${label}: RAKP4 integrity check failed (the BMC uses a K_G key this driver does not know)`);
    }

    const session = new RmcpPlusSession(channel, params, label, consoleSessionId, bmcSessionId, deriveSessionKeys(suite, sik));
    // 5. Raise the session to administrator (needed for Chassis Control and boot options).
    const privilege = await session.request(NetFn.app, AppCmd.setSessionPrivilege, Buffer.from([PRIVILEGE_ADMIN]));
    if (privilege.completionCode !== 0)
      throw completionCodeError(privilege.completionCode, `Set Session Privilege Level (administrator) on ${label}`);
    return session;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends one IPMI request in the session; resolves with the raw response (completion code not interpreted). */
  request(netFn: number, cmd: number, data: Buffer = Buffer.alloc(0)): Promise<IpmiResponse> {
    if (this.closed) return Promise.reject(new DriverError('unreachable', `${this.label}: the session is closed`));
    const rqSeq = this.rqSeq;
    this.rqSeq = (this.rqSeq + 1) & 0x3f;
    const message = encodeIpmiRequest({ netFn, cmd, rqSeq, data });
    return this.channel.exchange(
      () =>
        encodeV20Packet(
          {
            payloadType: PayloadType.ipmi,
            sessionId: this.bmcSessionId,
            sequence: this.nextSequence(),
            payload: message,
          },
          this.keys,
        ),
      (d) => {
        const packet = decodePacket(d, this.keys);
        if (packet.version !== '2.0' || packet.payloadType !== PayloadType.ipmi || packet.sessionId !== this.consoleSessionId)
          return undefined;
        const response = decodeIpmiResponse(packet.payload);
        return response.rqSeq === rqSeq && response.cmd === cmd && response.netFn === netFn + 1 ? response : undefined;
      },
      this.params.requestTimeoutMs,
      this.params.attempts,
      `command 0x${netFn.toString(16)}/0x${cmd.toString(16)}`,
    );
  }

  /** Closes the session on the BMC (one try, errors ignored: the BMC times it out anyway) and the socket. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.channel.exchange(
        () =>
          encodeV20Packet(
            {
              payloadType: PayloadType.ipmi,
              sessionId: this.bmcSessionId,
              sequence: this.nextSequence(),
              payload: encodeIpmiRequest({
                netFn: NetFn.app,
                cmd: AppCmd.closeSession,
                rqSeq: this.rqSeq,
                data: uint32le(this.bmcSessionId),
              }),
            },
            this.keys,
          ),
        (d) => {
          const packet = decodePacket(d, this.keys);
          return packet.version === '2.0' &&
            packet.payloadType === PayloadType.ipmi &&
            decodeIpmiResponse(packet.payload).cmd === AppCmd.closeSession
            ? true
            : undefined;
        },
        this.params.requestTimeoutMs,
        1,
        'Close Session',
      );
    } catch {
      // The session is abandoned either way; the BMC reclaims it after its idle timeout.
    } finally {
      this.channel.close();
    }
  }

  /** Abandons the session without telling the BMC (it stopped answering). */
  discard(): void {
    if (this.closed) return;
    this.closed = true;
    this.channel.close();
  }

  private nextSequence(): number {
    const sequence = this.sequence;
    this.sequence = this.sequence === 0xffffffff ? 1 : this.sequence + 1;
    return sequence;
  }
}

/** Payload of a pre-session (unauthenticated) v2.0 packet of the given type and message tag, else undefined. */
function preSessionPayload(datagram: Buffer, payloadType: number, tag: number): Buffer | undefined {
  const packet = decodePacket(datagram);
  if (packet.version !== '2.0' || packet.payloadType !== payloadType || packet.payload.length < 2 || packet.payload[0] !== tag)
    return undefined;
  return packet.payload;
}
