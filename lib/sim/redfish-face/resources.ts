/**
 * Redfish JSON for one SimMachine: the ComputerSystem, its Chassis (with Power and Thermal), its Manager and
 * virtual CD, the log service, and the static inventory subtree (Processors, Memory, Storage/Drives,
 * EthernetInterfaces) built once from the machine's inventory. System, Chassis and Manager link to each other.
 */
import type { BootDevice } from '../../core/hardware';
import type { SimMachine } from '../machine';
import { sensorReadings } from '../sensors';
import type { FaceVendorProfile } from './vendors';

export const ROOT = '/redfish/v1';

/**
 * The ResetTypes the face accepts (the list iDRAC and OpenBMC advertise), mapped to the SimMachine action each one
 * performs: PushPowerButton toggles like the front-panel button; Nmi interrupts a running OS and changes no power.
 */
export const RESET_ACTIONS = {
  On: 'on',
  ForceOff: 'off',
  GracefulShutdown: 'soft_off',
  GracefulRestart: 'reset',
  ForceRestart: 'reset',
  PowerCycle: 'cycle',
  PushPowerButton: 'toggle',
  Nmi: 'nmi',
} as const;
export type ResetType = keyof typeof RESET_ACTIONS;

/** A BMC reset restarts the controller, never the host. */
export const MANAGER_RESET_TYPES = ['GracefulRestart', 'ForceRestart'] as const;

export const INDICATOR_LED_VALUES = ['Off', 'Lit', 'Blinking'] as const;
export type IndicatorLed = (typeof INDICATOR_LED_VALUES)[number];

/** What an operator sets on a machine through its BMC: the asset tag and the identify LED. */
export interface Nameplate {
  assetTag: string;
  indicatorLed: IndicatorLed;
}

/** A Redfish PowerState, including the transitional ones shown while a reset is under way. */
export type RedfishPowerState = 'On' | 'Off' | 'PoweringOn' | 'PoweringOff';

export type Json = Record<string, unknown>;

const link = (path: string) => ({ '@odata.id': path });

export function collection(path: string, name: string, members: string[]): Json {
  return {
    '@odata.id': path,
    '@odata.type': `#${name}Collection.${name}Collection`,
    Name: `${name} Collection`,
    Members: members.map(link),
    'Members@odata.count': members.length,
  };
}

export function redfishError(messageId: string, message: string): Json {
  return {
    error: {
      code: `Base.1.8.${messageId}`,
      message,
      '@Message.ExtendedInfo': [{ MessageId: `Base.1.8.${messageId}`, Message: message, Severity: 'Warning' }],
    },
  };
}

export function systemPath(id: string): string {
  return `${ROOT}/Systems/${encodeURIComponent(id)}`;
}

export function managerPath(id: string): string {
  return `${ROOT}/Managers/${encodeURIComponent(id)}`;
}

export function chassisPath(id: string): string {
  return `${ROOT}/Chassis/${encodeURIComponent(id)}`;
}

export function selPath(id: string): string {
  return `${systemPath(id)}/LogServices/SEL`;
}

export function serviceRoot(): Json {
  return {
    '@odata.id': `${ROOT}/`,
    '@odata.type': '#ServiceRoot.v1_11_0.ServiceRoot',
    Id: 'RootService',
    Name: 'metalforge simulated Redfish service',
    RedfishVersion: '1.11.0',
    UUID: '6d6574616c666f72-6765-0000-0000-000000000001',
    Systems: link(`${ROOT}/Systems`),
    Managers: link(`${ROOT}/Managers`),
    Chassis: link(`${ROOT}/Chassis`),
    SessionService: link(`${ROOT}/SessionService`),
    AccountService: link(`${ROOT}/AccountService`),
    EventService: link(`${ROOT}/EventService`),
    TaskService: link(`${ROOT}/TaskService`),
    Links: { Sessions: link(`${ROOT}/SessionService/Sessions`) },
  };
}

function bootSection(machine: SimMachine, profile: FaceVendorProfile): Json {
  const boot = machine.boot;
  return {
    BootSourceOverrideTarget: boot.device === 'none' ? 'None' : profile.bootTargets[boot.device],
    BootSourceOverrideEnabled: boot.device === 'none' ? 'Disabled' : boot.persistent ? 'Continuous' : 'Once',
    BootSourceOverrideMode: boot.efi ? 'UEFI' : 'Legacy',
    'BootSourceOverrideTarget@Redfish.AllowableValues': ['None', ...Object.values(profile.bootTargets)],
  };
}

/** Maps a Redfish boot target back to a device for this vendor; undefined when the BMC does not offer it. */
export function bootDeviceFor(target: string, profile: FaceVendorProfile): BootDevice | 'none' | undefined {
  if (target === 'None') return 'none';
  const entry = Object.entries(profile.bootTargets).find(([, value]) => value === target);
  return entry ? (entry[0] as BootDevice) : undefined;
}

export function computerSystem(machine: SimMachine, profile: FaceVendorProfile, powerState: RedfishPowerState, nameplate: Nameplate): Json {
  const path = systemPath(machine.id);
  const inv = machine.inventory;
  const sockets = inv.cpus.reduce((n, cpu) => n + cpu.count, 0);
  return {
    '@odata.id': path,
    '@odata.type': '#ComputerSystem.v1_13_0.ComputerSystem',
    Id: machine.id,
    Name: machine.id,
    SystemType: 'Physical',
    Manufacturer: inv.manufacturer ?? 'metalforge',
    Model: inv.model ?? 'SimMachine',
    SerialNumber: inv.serial ?? machine.id,
    AssetTag: nameplate.assetTag,
    IndicatorLED: nameplate.indicatorLed,
    'IndicatorLED@Redfish.AllowableValues': INDICATOR_LED_VALUES,
    PowerState: powerState,
    Status: { State: 'Enabled', Health: 'OK' },
    Boot: bootSection(machine, profile),
    ProcessorSummary: {
      Count: sockets,
      CoreCount: inv.cpus.reduce((n, cpu) => n + cpu.count * cpu.cores, 0),
      Model: inv.cpus[0]?.model,
    },
    MemorySummary: { TotalSystemMemoryGiB: inv.memoryMiB / 1024, Status: { State: 'Enabled', Health: 'OK' } },
    Processors: link(`${path}/Processors`),
    Memory: link(`${path}/Memory`),
    Storage: link(`${path}/Storage`),
    EthernetInterfaces: link(`${path}/EthernetInterfaces`),
    LogServices: link(`${path}/LogServices`),
    Links: { ManagedBy: [link(managerPath(machine.id))], Chassis: [link(chassisPath(machine.id))] },
    Actions: {
      '#ComputerSystem.Reset': {
        target: `${path}/Actions/ComputerSystem.Reset`,
        'ResetType@Redfish.AllowableValues': Object.keys(RESET_ACTIONS),
      },
    },
    ...(profile.bootSettingsObject ? { '@Redfish.Settings': { SettingsObject: link(`${path}/Settings`) } } : {}),
  };
}

/** The pending-settings resource of a system with @Redfish.Settings (this face applies settings at once). */
export function systemSettings(machine: SimMachine, profile: FaceVendorProfile): Json {
  return {
    '@odata.id': `${systemPath(machine.id)}/Settings`,
    '@odata.type': '#ComputerSystem.v1_13_0.ComputerSystem',
    Id: 'Settings',
    Name: `${machine.id} pending settings`,
    Boot: bootSection(machine, profile),
  };
}

export function manager(machine: SimMachine): Json {
  const path = managerPath(machine.id);
  return {
    '@odata.id': path,
    '@odata.type': '#Manager.v1_10_0.Manager',
    Id: machine.id,
    Name: `BMC of ${machine.id}`,
    ManagerType: 'BMC',
    Model: 'metalforge sim BMC',
    FirmwareVersion: '1.0.0',
    PowerState: 'On',
    Status: { State: 'Enabled', Health: 'OK' },
    VirtualMedia: link(`${path}/VirtualMedia`),
    Links: {
      ManagerForServers: [link(systemPath(machine.id))],
      ManagerForChassis: [link(chassisPath(machine.id))],
      ManagerInChassis: link(chassisPath(machine.id)),
    },
    Actions: {
      '#Manager.Reset': { target: `${path}/Actions/Manager.Reset`, 'ResetType@Redfish.AllowableValues': MANAGER_RESET_TYPES },
    },
  };
}

const ENABLED_OK = { State: 'Enabled', Health: 'OK' };

export function chassis(machine: SimMachine, nameplate: Nameplate): Json {
  const path = chassisPath(machine.id);
  const inv = machine.inventory;
  return {
    '@odata.id': path,
    '@odata.type': '#Chassis.v1_14_0.Chassis',
    Id: machine.id,
    Name: `Chassis of ${machine.id}`,
    ChassisType: 'RackMount',
    Manufacturer: inv.manufacturer ?? 'metalforge',
    Model: inv.model ?? 'SimMachine',
    SerialNumber: inv.serial ?? machine.id,
    AssetTag: nameplate.assetTag,
    IndicatorLED: nameplate.indicatorLed,
    'IndicatorLED@Redfish.AllowableValues': INDICATOR_LED_VALUES,
    PowerState: machine.power === 'on' ? 'On' : 'Off',
    Status: ENABLED_OK,
    Power: link(`${path}/Power`),
    Thermal: link(`${path}/Thermal`),
    Links: {
      ComputerSystems: [link(systemPath(machine.id))],
      ManagedBy: [link(managerPath(machine.id))],
    },
  };
}

export function chassisPower(machine: SimMachine): Json {
  const path = `${chassisPath(machine.id)}/Power`;
  const readings = sensorReadings(machine.inventory, machine.power);
  return {
    '@odata.id': path,
    '@odata.type': '#Power.v1_6_0.Power',
    Id: 'Power',
    Name: 'Power',
    PowerControl: [
      {
        '@odata.id': `${path}#/PowerControl/0`,
        MemberId: '0',
        Name: 'System Power Control',
        PowerConsumedWatts: readings.powerWatts,
        PowerCapacityWatts: readings.powerSupplyWatts,
        Status: ENABLED_OK,
      },
    ],
    PowerSupplies: Array.from({ length: readings.powerSupplies }, (_, i) => ({
      '@odata.id': `${path}#/PowerSupplies/${i}`,
      MemberId: String(i),
      Name: `PSU${i + 1}`,
      PowerSupplyType: 'AC',
      PowerCapacityWatts: readings.powerSupplyWatts,
      LineInputVoltage: 230,
      Status: ENABLED_OK,
    })),
  };
}

export function chassisThermal(machine: SimMachine): Json {
  const path = `${chassisPath(machine.id)}/Thermal`;
  const readings = sensorReadings(machine.inventory, machine.power);
  const temperatures = [
    { Name: 'Inlet Temp', ReadingCelsius: readings.inletCelsius, PhysicalContext: 'Intake', UpperThresholdCritical: 42 },
    ...readings.cpuCelsius.map((celsius, i) => ({
      Name: `CPU${i + 1} Temp`,
      ReadingCelsius: celsius,
      PhysicalContext: 'CPU',
      UpperThresholdCritical: 95,
    })),
  ];
  return {
    '@odata.id': path,
    '@odata.type': '#Thermal.v1_6_0.Thermal',
    Id: 'Thermal',
    Name: 'Thermal',
    Temperatures: temperatures.map((t, i) => ({
      '@odata.id': `${path}#/Temperatures/${i}`,
      MemberId: String(i),
      Status: ENABLED_OK,
      ...t,
    })),
    Fans: readings.fanRpm.map((rpm, i) => ({
      '@odata.id': `${path}#/Fans/${i}`,
      MemberId: String(i),
      Name: `Fan${i + 1}`,
      Reading: rpm,
      ReadingUnits: 'RPM',
      LowerThresholdCritical: machine.power === 'on' ? 600 : undefined,
      Status: ENABLED_OK,
    })),
  };
}

export function logServices(machine: SimMachine): Json {
  return collection(`${systemPath(machine.id)}/LogServices`, 'LogService', [selPath(machine.id)]);
}

export function selService(machine: SimMachine, entries: number): Json {
  const path = selPath(machine.id);
  return {
    '@odata.id': path,
    '@odata.type': '#LogService.v1_2_0.LogService',
    Id: 'SEL',
    Name: 'System Event Log',
    LogEntryType: 'SEL',
    OverWritePolicy: 'WrapsWhenFull',
    MaxNumberOfRecords: 1000,
    ServiceEnabled: true,
    Status: ENABLED_OK,
    'Entries@odata.count': entries,
    Entries: link(`${path}/Entries`),
    Actions: { '#LogService.ClearLog': { target: `${path}/Actions/LogService.ClearLog` } },
  };
}

export function virtualCd(machine: SimMachine, profile: FaceVendorProfile): Json {
  const path = `${managerPath(machine.id)}/VirtualMedia/Cd`;
  const media = machine.mediaStatus;
  return {
    '@odata.id': path,
    '@odata.type': '#VirtualMedia.v1_3_0.VirtualMedia',
    Id: 'Cd',
    Name: 'Virtual CD',
    MediaTypes: ['CD', 'DVD'],
    Image: media.image ?? null,
    ImageName: media.image ? media.image.split('/').pop() : null,
    Inserted: media.inserted,
    WriteProtected: true,
    ConnectedVia: media.inserted ? 'URI' : 'NotConnected',
    ...(profile.virtualMediaPatchOnly
      ? {}
      : {
          Actions: {
            '#VirtualMedia.InsertMedia': { target: `${path}/Actions/VirtualMedia.InsertMedia` },
            '#VirtualMedia.EjectMedia': { target: `${path}/Actions/VirtualMedia.EjectMedia` },
          },
        }),
  };
}

/** Processors, Memory, Storage and EthernetInterfaces resources of a machine, by path. */
export function inventoryTree(machine: SimMachine): Map<string, Json> {
  const base = systemPath(machine.id);
  const inv = machine.inventory;
  const tree = new Map<string, Json>();
  const addCollection = (name: string, type: string, members: [string, Json][]) => {
    const path = `${base}/${name}`;
    for (const [id, body] of members) {
      tree.set(`${path}/${id}`, { '@odata.id': `${path}/${id}`, Id: id, Name: `${type} ${id}`, Status: ENABLED_OK, ...body });
    }
    tree.set(
      path,
      collection(
        path,
        type,
        members.map(([id]) => `${path}/${id}`),
      ),
    );
  };

  const processors: [string, Json][] = [];
  for (const cpu of inv.cpus) {
    for (let i = 0; i < cpu.count; i++) {
      processors.push([
        `CPU${processors.length}`,
        {
          '@odata.type': '#Processor.v1_7_0.Processor',
          ProcessorType: 'CPU',
          ProcessorArchitecture: 'x86',
          TotalCores: cpu.cores,
          // The simulated CPUs have two hardware threads per core.
          TotalThreads: cpu.cores * 2,
          Model: cpu.model,
        },
      ]);
    }
  }
  addCollection('Processors', 'Processor', processors);

  // Whole 16 GiB DIMMs when the size allows, else one module of the full size.
  const dimmMiB = inv.memoryMiB > 0 && inv.memoryMiB % 16384 === 0 ? 16384 : inv.memoryMiB;
  const dimms = dimmMiB > 0 ? inv.memoryMiB / dimmMiB : 0;
  addCollection(
    'Memory',
    'Memory',
    Array.from({ length: dimms }, (_, i) => [
      `DIMM${i}`,
      { '@odata.type': '#Memory.v1_10_0.Memory', MemoryDeviceType: 'DDR4', CapacityMiB: dimmMiB },
    ]),
  );

  const storagePath = `${base}/Storage/1`;
  const drives = inv.drives.map((drive, i): [string, Json] => [
    `Disk${i}`,
    {
      '@odata.type': '#Drive.v1_9_0.Drive',
      CapacityBytes: drive.sizeBytes,
      MediaType: drive.mediaType === 'HDD' ? 'HDD' : 'SSD',
      Protocol: drive.mediaType === 'NVME' ? 'NVMe' : 'SATA',
    },
  ]);
  for (const [id, body] of drives) {
    const path = `${storagePath}/Drives/${id}`;
    tree.set(path, { '@odata.id': path, Id: id, Name: `Drive ${id}`, ...body });
  }
  tree.set(storagePath, {
    '@odata.id': storagePath,
    '@odata.type': '#Storage.v1_8_0.Storage',
    Id: '1',
    Name: 'Storage controller 1',
    Drives: drives.map(([id]) => link(`${storagePath}/Drives/${id}`)),
  });
  tree.set(`${base}/Storage`, collection(`${base}/Storage`, 'Storage', [storagePath]));

  addCollection(
    'EthernetInterfaces',
    'EthernetInterface',
    inv.nics.map((nic, i) => [
      nic.name ?? `NIC${i}`,
      { '@odata.type': '#EthernetInterface.v1_6_0.EthernetInterface', MACAddress: nic.mac, LinkStatus: 'LinkUp' },
    ]),
  );
  return tree;
}
