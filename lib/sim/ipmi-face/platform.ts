/**
 * What ipmi_sim serves about the machine behind it, as ipmi_sim emulation commands (ipmi_sim_cmd(5)): threshold
 * sensors with full SDRs (inlet and CPU temperatures, fans, power draw) whose readings follow the machine, a FRU
 * (chassis, board and product areas) from its inventory, and a SEL that records its power and boot changes.
 * Encodings follow the IPMI 2.0 spec (SDR type 01h, SEL record type 02h) and the Platform Management FRU spec.
 */
import type { HardwareInventory, PowerState } from '../../core/hardware';
import { sensorReadings } from '../sensors';

export const BMC_IPMB_ADDRESS = '0x20';

const SEL_CAPACITY = 1000;
/** Get SEL Info operation support: delete and partial-add are not offered, reserve is. */
const SEL_FLAGS = '0x02';

interface SensorDefinition {
  number: number;
  name: string;
  /** IPMI sensor type: 01h temperature, 03h current (power draw on most BMCs), 04h fan. */
  type: number;
  /** IPMI entity: 03h processor, 1Dh fan, 15h power unit, 37h air inlet. */
  entity: number;
  instance: number;
  /** IPMI unit code: 1 degrees C, 6 Watts, 18 RPM. */
  unit: number;
  /** Linear conversion y = M × raw. */
  m: number;
  reading: (readings: ReturnType<typeof sensorReadings>) => number;
}

const UNIT = { celsius: 1, watts: 6, rpm: 18 } as const;

export function sensorDefinitions(inventory: HardwareInventory): SensorDefinition[] {
  const shape = sensorReadings(inventory, 'off');
  return [
    { number: 0x01, name: 'Inlet Temp', type: 0x01, entity: 0x37, instance: 1, unit: UNIT.celsius, m: 1, reading: (r) => r.inletCelsius },
    ...shape.cpuCelsius.map((_, i) => ({
      number: 0x02 + i,
      name: `CPU${i + 1} Temp`,
      type: 0x01,
      entity: 0x03,
      instance: i + 1,
      unit: UNIT.celsius,
      m: 1,
      reading: (r: typeof shape) => r.cpuCelsius[i],
    })),
    ...shape.fanRpm.map((_, i) => ({
      number: 0x30 + i,
      name: `Fan${i + 1}`,
      type: 0x04,
      entity: 0x1d,
      instance: i + 1,
      unit: UNIT.rpm,
      m: 64,
      reading: (r: typeof shape) => r.fanRpm[i],
    })),
    { number: 0x40, name: 'Pwr Consumption', type: 0x03, entity: 0x15, instance: 1, unit: UNIT.watts, m: 4, reading: (r) => r.powerWatts },
  ];
}

const hex = (bytes: number[]) => bytes.map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(' ');

/** SDR type 01h (full sensor record) for a linear, unsigned threshold sensor owned by the BMC. */
function fullSensorRecord(sensor: SensorDefinition): number[] {
  const id = [...Buffer.from(sensor.name, 'latin1')].slice(0, 16);
  const body = [
    Number(BMC_IPMB_ADDRESS), // sensor owner
    0x00, // owner LUN
    sensor.number,
    sensor.entity,
    sensor.instance,
    0x67, // initialisation: scanning, events, sensor type, event generation and scanning enabled
    0x40, // capabilities: auto re-arm, no hysteresis, no thresholds, no event control
    sensor.type,
    0x01, // event/reading type: threshold
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00, // event masks: no events, no readable thresholds
    0x00, // units 1: unsigned, no rate, no modifier
    sensor.unit,
    0x00, // modifier unit
    0x00, // linearisation: linear
    sensor.m & 0xff,
    (sensor.m >> 8) & 0x03, // M high bits, tolerance 0
    0x00,
    0x00, // B = 0, accuracy 0
    0x00, // accuracy, direction
    0x00, // R and B exponents 0
    0x00, // analog characteristics
    0x00,
    0x00,
    0x00, // nominal, normal max, normal min
    0xff,
    0x00, // sensor max, min
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00, // thresholds (none readable)
    0x00,
    0x00, // hysteresis
    0x00,
    0x00, // reserved
    0x00, // OEM
    0xc0 | id.length, // ID string: 8-bit ASCII + Latin-1
    ...id,
  ];
  return [0x00, 0x00, 0x51, 0x01, body.length, ...body];
}

const rawOf = (sensor: SensorDefinition, value: number) => Math.max(0, Math.min(255, Math.round(value / sensor.m)));

/** The emulation commands that set every sensor to what the machine reads now. */
export function sensorValueCommands(inventory: HardwareInventory, power: PowerState): string[] {
  const readings = sensorReadings(inventory, power);
  return sensorDefinitions(inventory).map(
    (s) => `sensor_set_value ${BMC_IPMB_ADDRESS} 0 0x${s.number.toString(16)} ${rawOf(s, s.reading(readings))} 0`,
  );
}

/** A FRU type/length byte (8-bit ASCII + Latin-1) followed by the text, at most 63 bytes. */
function field(text: string): number[] {
  const bytes = [...Buffer.from(text, 'latin1')].slice(0, 63);
  return [0xc0 | bytes.length, ...bytes];
}

/** Closes an area: end-of-fields marker, padding to a multiple of 8 with the checksum, length in 8-byte units. */
function area(header: number[], fields: number[][]): number[] {
  const content = [...header, ...fields.flat(), 0xc1];
  const length = Math.ceil((content.length + 1) / 8) * 8;
  const padded = [...content, ...new Array<number>(length - content.length - 1).fill(0)];
  padded[1] = length / 8;
  return [...padded, zeroChecksum(padded)];
}

const zeroChecksum = (bytes: number[]) => (0x100 - (bytes.reduce((sum, b) => sum + b, 0) & 0xff)) & 0xff;

/** Minutes since 1996-01-01 00:00 UTC, little-endian, as the board area's manufacturing date. */
function fruDate(date: Date): number[] {
  const minutes = Math.floor((date.getTime() - Date.UTC(1996, 0, 1)) / 60000);
  return [minutes & 0xff, (minutes >> 8) & 0xff, (minutes >> 16) & 0xff];
}

/** A FRU image: common header, chassis info (rack mount), board and product areas from the inventory. */
export function fruImage(machineId: string, inventory: HardwareInventory, manufactured = new Date(Date.UTC(2024, 0, 15))): number[] {
  const manufacturer = inventory.manufacturer ?? 'metalforge';
  const model = inventory.model ?? 'SimServer';
  const serial = inventory.serial ?? machineId;
  const chassis = area([0x01, 0x00, 0x17], [field(`${model}-CH`), field(serial)]); // 17h: rack mount chassis
  const board = area(
    [0x01, 0x00, 0x00, ...fruDate(manufactured)],
    [field(manufacturer), field(`${model} mainboard`), field(`${serial}-MB`), field(`${model}-MB`), field('')],
  );
  const product = area(
    [0x01, 0x00, 0x00],
    [field(manufacturer), field(model), field(model), field('1.0'), field(serial), field(machineId), field('')],
  );
  const offsets = [1, 1 + chassis.length / 8, 1 + (chassis.length + board.length) / 8];
  const header = [0x01, 0x00, offsets[0], offsets[1], offsets[2], 0x00, 0x00];
  return [...header, zeroChecksum(header), ...chassis, ...board, ...product];
}

/** ipmi_sim's emulation file for one machine's BMC: the MC, its SDRs and sensors, FRU 0 and the SEL. */
export function bmcEmulation(machineId: string, inventory: HardwareInventory, power: PowerState): string {
  const sensors = sensorDefinitions(inventory);
  const fru = fruImage(machineId, inventory);
  return [
    `mc_setbmc ${BMC_IPMB_ADDRESS}`,
    // Device ID 0, no device SDRs, revision 3, firmware 9.08, IPMI 2.0 device support bits, manufacturer and product.
    `mc_add ${BMC_IPMB_ADDRESS} 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02`,
    `sel_enable ${BMC_IPMB_ADDRESS} ${SEL_CAPACITY} ${SEL_FLAGS}`,
    ...sensors.map((s) => `main_sdr_add ${BMC_IPMB_ADDRESS} ${hex(fullSensorRecord(s))}`),
    ...sensors.map((s) => `sensor_add ${BMC_IPMB_ADDRESS} 0 0x${s.number.toString(16)} 0x${s.type.toString(16)} 0x01`),
    ...sensorValueCommands(inventory, power),
    `mc_add_fru_data ${BMC_IPMB_ADDRESS} 0 ${fru.length} data ${hex(fru)}`,
    `mc_enable ${BMC_IPMB_ADDRESS}`,
    '',
  ].join('\n');
}

/** SEL sensor types and the event offsets the face records (IPMI 2.0 table 42-3). */
const ACPI_POWER_STATE = { sensorType: 0x22, sensorNumber: 0x50, working: 0x00, softOff: 0x06 } as const;
const BOOT_INITIATED = { sensorType: 0x1d, sensorNumber: 0x51, powerUp: 0x00, hardReset: 0x01, pxe: 0x03 } as const;

/** `sel_add` for a system event record (type 02h) from the BMC about a sensor-specific offset, asserted. */
function selAdd(sensorType: number, sensorNumber: number, offset: number, at: Date): string {
  const timestamp = Math.floor(at.getTime() / 1000);
  const record = [
    timestamp & 0xff,
    (timestamp >> 8) & 0xff,
    (timestamp >> 16) & 0xff,
    (timestamp >>> 24) & 0xff,
    Number(BMC_IPMB_ADDRESS), // generator: the BMC
    0x00, // channel 0, LUN 0
    0x04, // event message format: IPMI 2.0
    sensorType,
    sensorNumber,
    0x6f, // assertion, sensor-specific event type
    offset,
    0xff, // no event data 2
    0xff, // no event data 3
  ];
  return `sel_add ${BMC_IPMB_ADDRESS} 0x02 ${hex(record)}`;
}

export function powerSelCommand(power: PowerState, at = new Date()): string {
  const { sensorType, sensorNumber, working, softOff } = ACPI_POWER_STATE;
  return selAdd(sensorType, sensorNumber, power === 'on' ? working : softOff, at);
}

/** A boot by PXE is "user requested PXE boot"; any other source is a boot initiated by power-up. */
export function bootSelCommand(source: string, at = new Date()): string {
  const { sensorType, sensorNumber, powerUp, pxe } = BOOT_INITIATED;
  return selAdd(sensorType, sensorNumber, source === 'pxe' ? pxe : powerUp, at);
}
