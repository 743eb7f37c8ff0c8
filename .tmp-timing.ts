import { createCloud } from './lib/cloud';
(async () => {
  const t0 = Date.now();
  const c = await createCloud({ port: 0, catalog: false });
  console.log('cloud no catalog', Date.now() - t0);
  await c.close();
  const t1 = Date.now();
  const d = await createCloud({ port: 0 });
  console.log('cloud default catalog', Date.now() - t1);
  await d.close();
})();
