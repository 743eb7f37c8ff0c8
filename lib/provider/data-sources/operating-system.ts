/** metal_operating_system: the one operating system matching distro / version / name / provisionable_on. */
import type { ProviderClient } from '../config';
import { defineDataSource } from '../framework';
import type { MetalOperatingSystemDataSourceModel } from '../generated/models';
import { str } from '../resources/support';
import { osRunsOnPlan } from '../../contract/catalog-rules';

export const operatingSystemDataSource = defineDataSource<ProviderClient, MetalOperatingSystemDataSourceModel>({
  typeName: 'metal_operating_system',
  async read(config, ctx) {
    const distro = str(config.distro);
    const version = str(config.version);
    const name = str(config.name);
    const plan = str(config.provisionable_on);
    const { operatingSystems } = await ctx.client.catalog();
    const found = operatingSystems.filter(
      (os) =>
        (distro === undefined || os.distro === distro) &&
        (version === undefined || os.version === version) &&
        (name === undefined || os.name.toLowerCase().includes(name.toLowerCase())) &&
        (plan === undefined || osRunsOnPlan(os.provisionable_on, plan)),
    );
    if (found.length !== 1) {
      const candidates = (found.length === 0 ? operatingSystems : found).map((os) => `${os.slug} (${os.distro} ${os.version})`).join(', ');
      ctx.diagnostics.error(
        found.length === 0 ? 'No operating system matches' : 'Several operating systems match',
        `${found.length === 0 ? 'Nothing matches' : `${found.length} match`}; narrow distro, version or name. ${found.length === 0 ? 'Available' : 'Matching'}: ${candidates}.`,
      );
      return;
    }
    return { id: found[0].id, slug: found[0].slug };
  },
});
