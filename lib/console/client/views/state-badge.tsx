/** A device's state in words, with its provisioning progress while it installs. */
import { DEVICE_STATE_INFO } from '../states';
import type { Device } from '../types';

export function StateBadge({ device }: { device: Pick<Device, 'state' | 'provisioning_percentage' | 'hostname'> }) {
  const info = DEVICE_STATE_INFO[device.state];
  const progress = !info?.resting && device.provisioning_percentage !== null ? device.provisioning_percentage : undefined;
  return (
    <span class={`state state-${device.state}`} data-state={device.state}>
      {info?.label ?? device.state}
      {progress !== undefined && (
        <progress max={100} value={progress} aria-label={`${device.hostname} provisioning progress`}>
          {progress}%
        </progress>
      )}
    </span>
  );
}
