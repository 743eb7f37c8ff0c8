/**
 * What a device being deleted gives back of its network, in the caller's transaction (the delete paths call it with
 * the transition that starts deprovisioning): its BGP sessions end, its ports leave their VLANs (the switch is told by
 * a durable job) and its IP assignments are released.
 */
import type { Queryable } from '../../store/database';
import { endSessionsOfDevices } from './bgp';
import { releaseDeviceAddresses } from './device-addresses';
import { releasePortsOfDevices } from './layer2';

export async function releaseDeviceNetwork(tx: Queryable, deviceIds: string[], now: Date): Promise<void> {
  await endSessionsOfDevices(tx, deviceIds, now);
  await releasePortsOfDevices(tx, deviceIds, now);
  await releaseDeviceAddresses(tx, deviceIds, now, 'with its device');
}
