/**
 * Reads a ComputerSystem's hardware (Processors, Memory, Storage/Drives or SimpleStorage, EthernetInterfaces)
 * into HardwareInventory, falling back to the system's summaries where a collection is missing.
 */
import type { DriveInventory, HardwareInventory } from '../types';
import { Json, linkOf, RedfishClient } from './client';
import { driveMediaType } from './mappings';

/** The member resources of a collection, fetched in parallel (the client caps concurrency). */
async function members(client: RedfishClient, collectionPath: string | undefined): Promise<Json[] | undefined> {
  if (!collectionPath) return undefined;
  const { body } = await client.get(collectionPath);
  const links = Array.isArray(body.Members) ? body.Members.map(linkOf).filter((l): l is string => l !== undefined) : [];
  return Promise.all(links.map(async (path) => (await client.get(path)).body));
}

function cpusOf(system: Json, processors: Json[] | undefined): HardwareInventory['cpus'] {
  if (processors && processors.length > 0) {
    const groups = new Map<string, { count: number; cores: number; model?: string }>();
    for (const cpu of processors.filter((p) => p.ProcessorType === undefined || p.ProcessorType === 'CPU')) {
      const cores = Number(cpu.TotalCores ?? 0);
      const model = typeof cpu.Model === 'string' ? cpu.Model : undefined;
      const key = `${model ?? ''}\u0000${cores}`;
      const group = groups.get(key) ?? { count: 0, cores, model };
      group.count++;
      groups.set(key, group);
    }
    return [...groups.values()];
  }
  const summary = system.ProcessorSummary as { Count?: number; CoreCount?: number; Model?: string } | undefined;
  if (!summary?.Count) return [];
  return [{ count: summary.Count, cores: Math.round((summary.CoreCount ?? 0) / summary.Count), model: summary.Model }];
}

function memoryMiBOf(system: Json, modules: Json[] | undefined): number {
  const fromModules = (modules ?? []).reduce((sum, m) => sum + Number(m.CapacityMiB ?? 0), 0);
  if (fromModules > 0) return fromModules;
  const gib = Number((system.MemorySummary as { TotalSystemMemoryGiB?: number } | undefined)?.TotalSystemMemoryGiB ?? 0);
  return Math.round(gib * 1024);
}

async function drivesOf(client: RedfishClient, system: Json): Promise<DriveInventory[]> {
  const controllers = await members(client, linkOf(system.Storage));
  if (controllers) {
    const drives = await Promise.all(
      controllers.flatMap((controller) =>
        (Array.isArray(controller.Drives) ? controller.Drives : [])
          .map(linkOf)
          .filter((l): l is string => l !== undefined)
          .map(async (path) => (await client.get(path)).body),
      ),
    );
    return drives.map((d) => ({ sizeBytes: Number(d.CapacityBytes ?? 0), mediaType: driveMediaType(d) }));
  }
  const simple = await members(client, linkOf(system.SimpleStorage));
  return (simple ?? []).flatMap((controller) =>
    (Array.isArray(controller.Devices) ? (controller.Devices as Json[]) : [])
      .filter((d) => d.CapacityBytes !== undefined)
      .map((d) => ({ sizeBytes: Number(d.CapacityBytes), mediaType: driveMediaType(d) })),
  );
}

export async function readInventory(client: RedfishClient, system: Json): Promise<HardwareInventory> {
  const [processors, modules, drives, nics] = await Promise.all([
    members(client, linkOf(system.Processors)),
    members(client, linkOf(system.Memory)),
    drivesOf(client, system),
    members(client, linkOf(system.EthernetInterfaces)),
  ]);
  const text = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : undefined);
  return {
    manufacturer: text(system.Manufacturer),
    model: text(system.Model),
    serial: text(system.SerialNumber),
    cpus: cpusOf(system, processors),
    memoryMiB: memoryMiBOf(system, modules),
    drives,
    nics: (nics ?? [])
      .filter((nic) => typeof nic.MACAddress === 'string')
      .map((nic) => ({ mac: String(nic.MACAddress).toLowerCase(), name: text(nic.Id) })),
  };
}
