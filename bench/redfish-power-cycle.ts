/**
 * 500 power-cycles through the Redfish driver against one simulated Redfish face (500 SimMachines at scale 0),
 * one operation per BMC at a time and 50 in flight overall; each operation logs in, cycles, and logs out.
 * Baseline in the same run: the same 500 power-cycles on SimMachines directly, in-process, with the same pool.
 * Run: npx tsx bench/redfish-power-cycle.ts
 */
import { createRedfishDriver } from '../lib/drivers/redfish';
import type { HardwareInventory } from '../lib/drivers/types';
import { SimMachine } from '../lib/sim/machine';
import { startRedfishFace } from '../lib/sim/redfish-face';

const MACHINES = 500;
const CONCURRENCY = 50;
/** Absolute goal for the Redfish path on a shared 2-core host; the ratio shows what the protocol costs. */
const GOAL_REDFISH_OPS = 100;
/** The in-process baseline takes milliseconds, so it is the median of several rounds on fresh fleets. */
const BASELINE_ROUNDS = 5;
const CREDENTIALS = { username: 'admin', password: 'bench-secret' };

const INVENTORY: HardwareInventory = {
  manufacturer: 'Contoso',
  cpus: [{ count: 1, cores: 8 }],
  memoryMiB: 32768,
  drives: [{ sizeBytes: 480_000_000_000, mediaType: 'SSD' }],
  nics: [{ mac: '02:00:00:00:00:01' }],
};

async function poweredOnFleet(prefix: string): Promise<SimMachine[]> {
  const fleet = Array.from({ length: MACHINES }, (_, i) => new SimMachine({ id: `${prefix}${i}`, inventory: INVENTORY, scale: 0 }));
  await Promise.all(fleet.map((m) => m.setPower('on')));
  return fleet;
}

/** Runs `work` once per item, `CONCURRENCY` at a time (each item — one BMC — is only ever worked on once). */
async function pool<T>(items: T[], work: (item: T) => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function countCycles(fleet: SimMachine[]): () => number {
  let offs = 0;
  for (const m of fleet) m.on('power', (state) => state === 'off' && offs++);
  return () => offs;
}

async function main(): Promise<void> {
  const baselineSeconds: number[] = [];
  for (let round = 0; round < BASELINE_ROUNDS; round++) {
    const direct = await poweredOnFleet(`direct${round}-`);
    const directCycles = countCycles(direct);
    baselineSeconds.push(await pool(direct, (m) => m.setPower('cycle')));
    if (directCycles() !== MACHINES) throw new Error(`in-process round ${round}: ${directCycles()} cycles`);
  }
  const directSeconds = baselineSeconds.sort((a, b) => a - b)[Math.floor(BASELINE_ROUNDS / 2)];

  const fleet = await poweredOnFleet('bmc');
  const redfishCycles = countCycles(fleet);
  const face = await startRedfishFace({ machines: fleet, credentials: CREDENTIALS, sessionLimit: CONCURRENCY * 2 });
  try {
    const redfishSeconds = await pool(fleet, async (m) => {
      const endpoint = { driver: 'redfish' as const, address: face.systemUrl(m.id), caCert: face.caCert, ...CREDENTIALS };
      const driver = createRedfishDriver(endpoint, { pollIntervalMs: 10 });
      try {
        await driver.power.setPower('cycle');
      } finally {
        await driver.close();
      }
    });
    if (redfishCycles() !== MACHINES || fleet.some((m) => m.power !== 'on')) {
      throw new Error(`expected ${MACHINES} cycles through Redfish, saw ${redfishCycles()}`);
    }
    const directOps = MACHINES / directSeconds;
    const redfishOps = MACHINES / redfishSeconds;
    const met = redfishOps >= GOAL_REDFISH_OPS ? 'met' : 'NOT met';
    console.log(`machines: ${MACHINES}, concurrency: ${CONCURRENCY} overall, 1 per BMC`);
    console.log(
      `in-process SimMachine.setPower('cycle'): ${(directSeconds * 1000).toFixed(
        2,
      )} ms (median of ${BASELINE_ROUNDS}), ${directOps.toFixed(0)} ops/s`,
    );
    console.log(`Redfish driver (login, read, reset, read back, logout): ${redfishSeconds.toFixed(3)} s, ${redfishOps.toFixed(0)} ops/s`);
    console.log(`sessions left open: ${face.sessionCount()}`);
    console.log(
      `ratio: ${(redfishOps / directOps).toFixed(
        5,
      )} (goal: >= ${GOAL_REDFISH_OPS} Redfish ops/s, ${met}; the ratio is Redfish ops/s / in-process ops/s, the price of HTTP + JSON + sessions)`,
    );
  } finally {
    await face.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
