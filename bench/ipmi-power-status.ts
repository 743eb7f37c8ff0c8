/**
 * Power-status throughput against one ipmi_sim face: the native driver holding one RMCP+ session vs spawning
 * `ipmitool -I lanplus -C 3 … chassis power status` (a process and a session per call, as Ironic and bmclib do).
 * Run: npx tsx bench/ipmi-power-status.ts
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createIpmiDriver } from '../lib/drivers/ipmi';
import { startIpmiFace } from '../lib/sim/ipmi-face';
import { SimMachine } from '../lib/sim/machine';

const run = promisify(execFile);
const DRIVER_OPS = 200;
const IPMITOOL_RUNS = 20;
const GOAL = 5;

async function rate(count: number, op: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await op();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return count / seconds;
}

async function main(): Promise<void> {
  const machine = new SimMachine({
    id: 'bench',
    inventory: { cpus: [], memoryMiB: 1024, drives: [], nics: [] },
    scale: 0,
  });
  const face = await startIpmiFace(machine);
  const driver = createIpmiDriver(face.endpoint);
  try {
    await driver.power.powerState(); // opens the session once, as a long-lived driver would
    const native = await rate(DRIVER_OPS, () => driver.power.powerState());
    const args = [
      '-I',
      'lanplus',
      '-C',
      '3',
      '-H',
      '127.0.0.1',
      '-p',
      String(face.port),
      '-U',
      face.username,
      '-P',
      face.password,
      'chassis',
      'power',
      'status',
    ];
    const spawned = await rate(IPMITOOL_RUNS, async () => {
      const { stdout } = await run('ipmitool', args);
      if (!stdout.includes('Chassis Power is')) throw new Error(`unexpected ipmitool output: ${stdout}`);
    });
    console.log(`native driver (one session): ${DRIVER_OPS} ops, ${native.toFixed(1)} ops/s (${(1000 / native).toFixed(2)} ms/op)`);
    console.log(`ipmitool (process per call): ${IPMITOOL_RUNS} runs, ${spawned.toFixed(1)} ops/s (${(1000 / spawned).toFixed(2)} ms/op)`);
    console.log(`ratio: ${(native / spawned).toFixed(1)} (goal ≥ ${GOAL})`);
  } finally {
    await driver.close();
    await face.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
