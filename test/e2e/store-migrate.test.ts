/**
 * Outgrowing one machine with a Terraform-managed world: a stack applied with real terraform against a cloud on
 * the embedded store, the store moved into PostgreSQL with `metalforge store migrate`, two servers on that
 * database, and `terraform plan` against them shows no changes.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createCloud, type Cloud } from '../../lib/cloud';
import { removeTempDirs, tempDir } from '../support/cloud';
import { describeWithPostgres, PgCluster, startPgCluster } from '../support/pg-cluster';
import { ROOT } from '../support/server-process';
import { describeWithTerraform, startTerraformWorld } from './terraform-harness';

jest.setTimeout(600_000);

const TOKEN = 'mf_store_migrate_tf_admin_token_3f0c';

const stack = `
resource "metal_project" "p" {
  name = "outgrown"
}
resource "metal_device" "web" {
  count            = 2
  project_id       = metal_project.p.id
  hostname         = "web-\${count.index}"
  plan             = "c3.small.x86"
  metro            = "ny"
  operating_system = "ubuntu_22_04"
  tags             = ["web"]
}
`;

function migrateCli(dataDir: string, url: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'lib/cli/main.ts', 'store', 'migrate', '--from-data-dir', dataDir, '--to', url],
      { cwd: ROOT },
    );
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

afterAll(() => removeTempDirs());

describeWithTerraform('store migrate under a Terraform-managed world', () => {
  describeWithPostgres('into PostgreSQL', () => {
    let cluster: PgCluster;
    const clouds: Cloud[] = [];
    let terraformRoot: string | undefined;
    beforeAll(async () => {
      cluster = await startPgCluster();
    });
    afterAll(async () => {
      await Promise.all(clouds.map((c) => c.close()));
      await cluster?.stop();
      if (terraformRoot) rmSync(terraformRoot, { recursive: true, force: true });
    });

    it('keeps the applied stack: terraform plan against the servers on PostgreSQL shows no changes', async () => {
      const dataDir = tempDir('metalforge-tf-migrate-');
      const embedded = join(dataDir, 'embedded');
      const world = await startTerraformWorld({ dataDir: embedded, adminToken: TOKEN });
      terraformRoot = world.root;
      const work = world.workdir('outgrown');
      try {
        work.write(world.header() + stack);
        await work.init();
        const applied = await work.apply();
        expect(applied.output).toContain('Apply complete! Resources: 3 added');
      } finally {
        await world.cloud.close();
      }

      const url = await cluster.createDatabase('outgrown');
      const moved = await migrateCli(embedded, url);
      expect(moved).toMatchObject({ code: 0, output: expect.stringContaining('every table arrived with the same rows and checksum') });

      // Two servers on the database, each with the embedded cloud's secret key beside it.
      for (const name of ['pg-a', 'pg-b']) {
        mkdirSync(join(dataDir, name));
        copyFileSync(join(embedded, 'secret.key'), join(dataDir, name, 'secret.key'));
        clouds.push(
          await createCloud({
            databaseUrl: url,
            dataDir: join(dataDir, name),
            adminToken: TOKEN,
            simScale: 0,
            bootPath: 'in-process',
            port: 0,
          }),
        );
      }
      for (const cloud of clouds) {
        const apiUrl = `${await cloud.listen()}/metal/v1`;
        work.write(world.header().replace(world.apiUrl, apiUrl) + stack);
        const plan = await work.plan();
        expect({ code: plan.code, output: plan.code === 0 ? '' : plan.output }).toEqual({ code: 0, output: '' });
        expect(plan.output).toContain('No changes.');
      }
    });
  });
});
