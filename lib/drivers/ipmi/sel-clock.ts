/** Setting a BMC's SEL clock, for the simulated BMCs (ipmi_sim's SEL clock otherwise runs from its start). */
import { CIPHER_SUITES } from '../../core/ipmi/cipher';
import { expectSuccess } from './commands';
import { RmcpPlusSession } from './session';

const SET_SEL_TIME = { netFn: 0x0a, cmd: 0x49 } as const;

/** Sets a BMC's SEL clock (on loopback, e.g. a simulated one) to the wall clock through one short RMCP+ session, so SEL entries carry real times. */
export async function setSelClock({ port, username, password }: { port: number; username: string; password: string }): Promise<void> {
  const session = await RmcpPlusSession.open({
    host: '127.0.0.1',
    port,
    username,
    password,
    suite: CIPHER_SUITES[3],
    requestTimeoutMs: 1000,
    attempts: 3,
  });
  try {
    const seconds = Buffer.alloc(4);
    seconds.writeUInt32LE(Math.floor(Date.now() / 1000));
    expectSuccess(await session.request(SET_SEL_TIME.netFn, SET_SEL_TIME.cmd, seconds), 'Set SEL Time');
  } finally {
    await session.close();
  }
}
