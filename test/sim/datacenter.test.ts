import type { PlanSpecs } from '../../lib/contract/schemas';
import { inventoryFromSpecs } from '../../lib/sim/datacenter';

const specs = (memory: string): PlanSpecs => ({
  cpus: [{ count: 1, type: 'Xeon', cores: 8 }],
  memory: { total: memory },
  drives: [{ count: 1, size: '480GB', type: 'SSD', category: 'boot' }],
  nics: [],
  features: { raid: false, txt: false, uefi: true },
});

describe('inventoryFromSpecs', () => {
  it('counts memory in binary units as a BMC reports it: a 64GB plan has 64 GiB, a 1TB plan 1 TiB', () => {
    expect(inventoryFromSpecs(specs('64GB'), []).memoryMiB).toBe(65536);
    expect(inventoryFromSpecs(specs('1TB'), []).memoryMiB).toBe(1048576);
    expect(inventoryFromSpecs(specs('1.5TB'), []).memoryMiB).toBe(1572864);
  });

  it('keeps drive sizes decimal, as drive makers count them', () => {
    expect(inventoryFromSpecs(specs('64GB'), []).drives).toEqual([{ sizeBytes: 480_000_000_000, mediaType: 'SSD' }]);
  });
});
