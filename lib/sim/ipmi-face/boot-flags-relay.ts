/**
 * ipmi_sim passes only the boot device to its chassis hook and answers every Get System Boot Options (parameter 5)
 * with the flags byte zeroed, so persistent and EFI boot flags would be lost. This loopback UDP relay sits between
 * clients and ipmi_sim and closes that gap the way the BMC itself would: it knows the face's password, so from the
 * RMCP+ handshake it relays (Open Session, RAKP 1/2) it derives each session's keys; it reads the flags of every
 * Set System Boot Options parameter 5 before ipmi_sim sees the request, and it fills the flags byte of parameter 5
 * answers from the machine. It also puts its own port in Activate Payload answers (Serial-over-LAN names the UDP
 * port to use). Everything else passes through unchanged; each client gets its own upstream socket, so ipmi_sim
 * still sees one peer per client (its session limits and lock-outs behave as before).
 */
import { createSocket, RemoteInfo, Socket } from 'node:dgram';
import type { BootSetting } from '../../core/hardware';
import { CIPHER_SUITES, deriveSessionKeys, sessionIntegrityKey, SessionKeys, userKey } from '../../core/ipmi/cipher';
import { checksum, decodePacket, encodeV20Packet, PayloadType } from '../../core/ipmi/rmcp';
import { BootFlag, BootParameter, ChassisCmd, NetFn } from '../../core/ipmi/numbers';

/** App netFn, Activate Payload (IPMI 2.0 section 24.1): its answer carries the payload's UDP port at data bytes 8–9. */
const ACTIVATE_PAYLOAD = 0x48;
const ACTIVATE_PAYLOAD_PORT_AT = 15;

/** Clients not heard from for this long lose their upstream socket. */
const IDLE_CLIENT_MS = 120_000;

export interface BootFlagsRelayOptions {
  upstreamPort: number;
  password: string;
  /** A client set boot flags (parameter 5, flags byte): called before ipmi_sim runs the request. */
  onSetFlags: (flags: { persistent: boolean; efi: boolean }) => void;
  /** The machine's boot override now, for the flags byte of parameter 5 answers. */
  currentBoot: () => BootSetting;
}

interface Handshake {
  consoleSessionId?: number;
  bmcSessionId?: number;
  consoleRandom?: Buffer;
  role?: number;
  username?: Buffer;
}

interface Client {
  upstream: Socket;
  handshake: Handshake;
  lastSeen: number;
}

export class BootFlagsRelay {
  private readonly clients = new Map<string, Client>();
  /** Session keys by the session ID each direction carries (BMC's ID client→BMC, console's ID BMC→client). */
  private readonly keysBySessionId = new Map<number, SessionKeys>();
  private readonly sweeper: NodeJS.Timeout;

  private constructor(
    private readonly socket: Socket,
    private readonly options: BootFlagsRelayOptions,
  ) {
    socket.on('message', (datagram, from) => this.fromClient(datagram, from));
    this.sweeper = setInterval(() => this.sweep(), IDLE_CLIENT_MS / 4);
    this.sweeper.unref();
  }

  static async start(options: BootFlagsRelayOptions): Promise<BootFlagsRelay> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => resolve());
    });
    return new BootFlagsRelay(socket, options);
  }

  get port(): number {
    return this.socket.address().port;
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const client of this.clients.values()) client.upstream.close();
    this.clients.clear();
    this.socket.close();
  }

  private fromClient(datagram: Buffer, from: RemoteInfo): void {
    const key = `${from.address}:${from.port}`;
    let client = this.clients.get(key);
    if (!client) {
      const upstream = createSocket('udp4');
      upstream.on('error', () => undefined); // ipmi_sim restarting: the client retransmits
      upstream.on('message', (answer) => this.socket.send(this.fromBmc(answer, client!), from.port, from.address));
      client = { upstream, handshake: {}, lastSeen: Date.now() };
      this.clients.set(key, client);
    }
    client.lastSeen = Date.now();
    this.watchRequest(datagram, client.handshake);
    client.upstream.send(datagram, this.options.upstreamPort, '127.0.0.1');
  }

  /** Learns the handshake values from the client's side, and the flags of a boot flags request. */
  private watchRequest(datagram: Buffer, handshake: Handshake): void {
    const packet = tryDecode(datagram, this.keysBySessionId);
    if (!packet) return;
    if (packet.payloadType === PayloadType.openSessionRequest && packet.payload.length >= 8) {
      handshake.consoleSessionId = packet.payload.readUInt32LE(4);
    } else if (packet.payloadType === PayloadType.rakp1 && packet.payload.length >= 28) {
      handshake.consoleRandom = packet.payload.subarray(8, 24);
      handshake.role = packet.payload[24];
      handshake.username = packet.payload.subarray(28, 28 + packet.payload[27]);
    } else if (packet.payloadType === PayloadType.ipmi && packet.authenticated) {
      // Request: rsAddr, netFn/LUN, checksum, rqAddr, rqSeq, cmd, data…, checksum.
      const message = packet.payload;
      const data = message.subarray(6, message.length - 1);
      const isSetBootFlags =
        message[1] >> 2 === NetFn.chassis && message[5] === ChassisCmd.setBootOptions && (data[0] & 0x7f) === BootParameter.bootFlags;
      if (isSetBootFlags && data.length >= 2) {
        this.options.onSetFlags({ persistent: (data[1] & BootFlag.persistent) !== 0, efi: (data[1] & BootFlag.efi) !== 0 });
      }
    }
  }

  /** Completes the keys from ipmi_sim's side of the handshake, and fills the flags of a boot flags answer. */
  private fromBmc(datagram: Buffer, client: Client): Buffer {
    const packet = tryDecode(datagram, this.keysBySessionId);
    if (!packet) return datagram;
    const { handshake } = client;
    if (packet.payloadType === PayloadType.openSessionResponse && packet.payload.length >= 12 && packet.payload[1] === 0) {
      handshake.bmcSessionId = packet.payload.readUInt32LE(8);
    } else if (packet.payloadType === PayloadType.rakp2 && packet.payload.length >= 40 && packet.payload[1] === 0) {
      const { consoleSessionId, bmcSessionId, consoleRandom, role, username } = handshake;
      if (consoleSessionId === undefined || bmcSessionId === undefined || !consoleRandom || role === undefined || !username)
        return datagram;
      const suite = CIPHER_SUITES[3];
      const exchange = {
        consoleSessionId,
        bmcSessionId,
        consoleRandom,
        bmcRandom: packet.payload.subarray(8, 24),
        bmcGuid: packet.payload.subarray(24, 40),
        role,
        username,
      };
      const keys = deriveSessionKeys(suite, sessionIntegrityKey(suite, userKey(this.options.password), exchange));
      this.keysBySessionId.set(bmcSessionId, keys);
      this.keysBySessionId.set(consoleSessionId, keys);
    } else if (packet.payloadType === PayloadType.ipmi && packet.authenticated) {
      const keys = this.keysBySessionId.get(packet.sessionId);
      // Response: rqAddr, netFn/LUN, checksum, rsAddr, rqSeq, cmd, completion code, data…, checksum.
      const message = Buffer.from(packet.payload);
      const isBootFlagsAnswer =
        message[1] >> 2 === NetFn.chassis + 1 &&
        message[5] === ChassisCmd.getBootOptions &&
        message[6] === 0 &&
        message.length >= 11 &&
        (message[8] & 0x7f) === BootParameter.bootFlags;
      const isPayloadActivation =
        message[1] >> 2 === NetFn.app + 1 &&
        message[5] === ACTIVATE_PAYLOAD &&
        message[6] === 0 &&
        message.length >= ACTIVATE_PAYLOAD_PORT_AT + 3;
      if (keys && (isBootFlagsAnswer || isPayloadActivation)) {
        if (isBootFlagsAnswer) message[9] = flagsByte(this.options.currentBoot());
        else message.writeUInt16LE(this.port, ACTIVATE_PAYLOAD_PORT_AT);
        message[message.length - 1] = checksum(message.subarray(3, message.length - 1));
        return encodeV20Packet(
          { payloadType: PayloadType.ipmi, sessionId: packet.sessionId, sequence: packet.sequence, payload: message },
          keys,
        );
      }
    }
    return datagram;
  }

  private sweep(): void {
    const stale = Date.now() - IDLE_CLIENT_MS;
    for (const [key, client] of this.clients) {
      if (client.lastSeen >= stale) continue;
      client.upstream.close();
      this.clients.delete(key);
      const { consoleSessionId, bmcSessionId } = client.handshake;
      if (consoleSessionId !== undefined) this.keysBySessionId.delete(consoleSessionId);
      if (bmcSessionId !== undefined) this.keysBySessionId.delete(bmcSessionId);
    }
  }
}

/** Valid when an override is set; persistent and EFI as the machine holds them. */
function flagsByte(boot: BootSetting): number {
  if (boot.device === 'none') return 0;
  return BootFlag.valid | (boot.persistent ? BootFlag.persistent : 0) | (boot.efi ? BootFlag.efi : 0);
}

/** The v2.0 packet in a datagram, decrypted when its session's keys are known; undefined for anything else. */
function tryDecode(datagram: Buffer, keysBySessionId: Map<number, SessionKeys>) {
  try {
    const sessionId = datagram.length >= 14 && datagram[4] === 0x06 ? datagram.readUInt32LE(6) : 0;
    const packet = decodePacket(datagram, keysBySessionId.get(sessionId));
    return packet.version === '2.0' ? packet : undefined;
  } catch {
    return undefined; // v1.5, ASF ping, or a session whose keys this relay does not hold: pass it through untouched
  }
}
