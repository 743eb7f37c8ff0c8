/**
 * A machine's serial console (ttyS0) on a loopback TCP port, where ipmi_sim's Serial-over-LAN connects
 * (`sol "tcp:127.0.0.1:<port>"`). ipmi_sim connects when it starts and drops what the console prints while no SOL
 * session is active, so, like a getty on an idle console, the console echoes what the operator types and answers
 * Enter with its banner and login prompt.
 */
import { createServer, Server, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { SimMachine } from '../machine';

export class SerialConsole {
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(machine: SimMachine): Promise<SerialConsole> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const serialConsole = new SerialConsole(server, (server.address() as AddressInfo).port);
    server.on('connection', (socket) => serialConsole.serve(socket, machine));
    return serialConsole;
  }

  /** The text an operator sees when Serial-over-LAN activates. */
  static banner(machine: SimMachine): string {
    const what = `${machine.inventory.manufacturer ?? 'metalforge'} ${machine.inventory.model ?? 'SimServer'}`;
    const state =
      machine.power !== 'on'
        ? 'The system is powered off.'
        : machine.disk
          ? `${machine.disk} on ${machine.id} ttyS0`
          : `${machine.id}: no operating system on disk`;
    return `\r\n${what} serial console (ttyS0, 115200 8N1)\r\n${state}\r\n\r\n${machine.id} login: `;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: Socket, machine: SimMachine): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.write(SerialConsole.banner(machine));
    socket.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      socket.write(text.replace(/\r\n?|\n/g, () => SerialConsole.banner(machine)));
    });
  }
}
