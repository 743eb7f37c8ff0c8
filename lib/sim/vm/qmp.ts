/**
 * A QMP (QEMU Machine Protocol) client over QEMU's unix socket: capabilities negotiation, commands answered in
 * order, and asynchronous events (SHUTDOWN, RESET, STOP...) as 'event' emissions.
 */
import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';

export interface QmpEvent {
  event: string;
  data?: Record<string, unknown>;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  command: string;
}

export class QmpClient extends EventEmitter {
  private buffer = '';
  private readonly pending: Pending[] = [];
  private greeted = false;

  private constructor(private readonly socket: Socket) {
    super();
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.receive(chunk));
    socket.on('close', () => {
      for (const p of this.pending.splice(0)) p.reject(new Error(`QEMU closed its QMP socket before answering ${p.command}`));
      this.emit('close');
    });
    socket.on('error', () => undefined); // 'close' follows and fails what was pending
  }

  /** Connects (retrying while QEMU creates the socket, up to `timeoutMs`) and negotiates capabilities. */
  static async connect(path: string, timeoutMs = 10_000): Promise<QmpClient> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const s = connect(path, () => resolve(s));
          s.once('error', reject);
        });
        const client = new QmpClient(socket);
        await client.execute('qmp_capabilities');
        return client;
      } catch (err) {
        if (Date.now() > deadline)
          throw new Error(`QEMU's QMP socket ${path} did not answer within ${timeoutMs} ms: ${(err as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  execute<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ resolve: resolve as (value: unknown) => void, reject, command });
      this.socket.write(JSON.stringify(args ? { execute: command, arguments: args } : { execute: command }) + '\n');
    });
  }

  /** A monitor command QMP has no native form of (e.g. `boot_set n`). */
  human(commandLine: string): Promise<string> {
    return this.execute<string>('human-monitor-command', { 'command-line': commandLine });
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline).trim();
      this.buffer = this.buffer.slice(newline + 1);
      if (line) this.dispatch(JSON.parse(line) as Record<string, unknown>);
    }
  }

  private dispatch(message: Record<string, unknown>): void {
    if ('QMP' in message && !this.greeted) {
      this.greeted = true;
      return;
    }
    if ('event' in message) return void this.emit('event', message as unknown as QmpEvent);
    const waiting = this.pending.shift();
    if (!waiting) return;
    if ('error' in message) {
      const error = message.error as { class: string; desc: string };
      waiting.reject(new Error(`QMP ${waiting.command}: ${error.class}: ${error.desc}`));
    } else waiting.resolve(message.return);
  }
}
