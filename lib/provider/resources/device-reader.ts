/**
 * Reads of many devices of one project, as a refresh of `count = 1000` makes them: after the first read of a
 * project, the project's device list is fetched once (100 per page) and later reads are answered from it while it
 * is fresh. One list page costs the server about as much as two single reads, so a no-op plan of a large fleet
 * makes a few dozen requests instead of one per device. A device missing from the list is read on its own.
 */
import type { MetalClient } from '../../client';
import type { Device } from '../../contract/schemas';
import { isNotFound } from './support';

/** Long enough for one refresh walk of a large configuration, short enough that nothing older is ever used. */
const SNAPSHOT_TTL_MS = 15_000;

interface ProjectReads {
  reads: number;
  snapshot?: { takenAt: number; devices: Promise<Map<string, Device> | undefined> };
}

export class DeviceReader {
  private readonly projects = new Map<string, ProjectReads>();

  constructor(
    private readonly api: MetalClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** The device, or undefined when it no longer exists. */
  async read(id: string, projectId: string | undefined): Promise<Device | undefined> {
    const fromList = projectId === undefined ? undefined : await this.fromSnapshot(id, projectId);
    return fromList ?? this.get(id);
  }

  private async get(id: string): Promise<Device | undefined> {
    try {
      return await this.api.devices.get(id);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private async fromSnapshot(id: string, projectId: string): Promise<Device | undefined> {
    let project = this.projects.get(projectId);
    if (!project) this.projects.set(projectId, (project = { reads: 0 }));
    // A single read (the usual small configuration) stays a single GET.
    if (++project.reads === 1) return undefined;
    if (!project.snapshot || this.now() - project.snapshot.takenAt > SNAPSHOT_TTL_MS) {
      // Every read of the refresh waits for the list: its pages are fetched together.
      const devices = this.api
        .listAllConcurrently((page) => this.api.devices.list(projectId, { page, per_page: 100 }))
        .then((list) => new Map(list.map((device) => [device.id, device])))
        // Without the list (e.g. a key that may not list the project) every read is a GET.
        .catch(() => undefined);
      project.snapshot = { takenAt: this.now(), devices };
    }
    return (await project.snapshot.devices)?.get(id);
  }
}
