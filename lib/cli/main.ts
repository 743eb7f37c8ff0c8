#!/usr/bin/env node
/**
 * The metalforge command: run a local metal cloud, deploy example stacks through real terraform, install the
 * provider. `metalforge <command> --help` describes each command.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Cloud, createCloud, DEFAULT_CATALOG } from '../cloud';
import { networkProblem, type ProvisioningNetwork } from '../boot/dhcp';
import type { SimFaults } from '../sim/machine';
import { installProvider, syncProviderLock } from '../provider/install';
import { deploy, listExamples, readStacks } from './deploy';
import { createLogger, LogFormat } from './logger';
import { registerStoreCommands } from './store';
import { serveVmLabInside, startVmLabProcess, VM_PLANS } from './vm-lab';

const ROOT = resolve(__dirname, '..', '..');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const program = new Command()
  .name('metalforge')
  .description('A self-hostable bare-metal cloud: Metal v1 compatible API, Terraform provider, cdktf constructs, simulated data center.')
  .version(VERSION)
  .showHelpAfterError('(run with --help for usage)');

const number = (name: string, min: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new InvalidArgumentError(`${name} must be a number ≥ ${min}, got "${value}"`);
  return n;
};

const httpUrl = (value: string) => {
  if (!/^https?:\/\/[^\s/]+/.test(value)) {
    throw new InvalidArgumentError(`boot-public-url must be an http(s) URL such as http://10.0.0.2:8081, got "${value}"`);
  }
  return value.replace(/\/+$/, '');
};

/** --dhcp-range subnet,first,last: the provisioning network the DHCP server hands addresses out on. */
const dhcpRange = (value: string) => {
  const [subnet, rangeStart, rangeEnd, extra] = list(value);
  if (!rangeEnd || extra !== undefined) {
    throw new InvalidArgumentError(`dhcp-range is subnet,first,last such as 10.0.0.0/24,10.0.0.100,10.0.0.199, got "${value}"`);
  }
  const network = { name: 'provisioning', subnet, rangeStart, rangeEnd };
  const problem = networkProblem(network);
  if (problem) throw new InvalidArgumentError(`dhcp-range: ${problem}`);
  return network;
};

const list = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

const FAULT_KEYS: Record<string, keyof SimFaults> = {
  'bmc-timeout': 'bmcTimeoutRate',
  'bmc-busy': 'bmcBusyRate',
  'drop-boot': 'dropBootSettingRate',
  install: 'installFailureRate',
  'bmc-delay': 'bmcDelayMs',
};

/** "install=0.1,bmc-busy=0.2,bmc-delay=150" → SimFaults. */
export function parseFaults(value: string): Partial<SimFaults> {
  const faults: Partial<SimFaults> = {};
  for (const part of value.split(',').filter(Boolean)) {
    const [key, raw] = part.split('=');
    const field = FAULT_KEYS[key?.trim()];
    const n = Number(raw);
    if (!field) throw new InvalidArgumentError(`unknown fault "${key}"; use ${Object.keys(FAULT_KEYS).join(', ')}`);
    if (!Number.isFinite(n) || n < 0 || (field !== 'bmcDelayMs' && n > 1)) {
      throw new InvalidArgumentError(
        `fault ${key} needs ${field === 'bmcDelayMs' ? 'milliseconds ≥ 0' : 'a rate between 0 and 1'}, got "${raw}"`,
      );
    }
    faults[field] = n;
  }
  return faults;
}

interface ServerFlags {
  host: string;
  port: number;
  bootHost: string;
  bootPort?: number;
  bootPublicUrl?: string;
  bootTrustedProxy?: string[];
  installerDir?: string;
  dhcpRange?: ProvisioningNetwork;
  dhcpListen: string;
  tftp?: boolean;
  dataDir: string;
  databaseUrl?: string;
  catalog: string;
  simScale: number;
  simFaults?: Partial<SimFaults>;
  bootPath: 'http' | 'in-process';
  adminToken?: string;
  logFormat: LogFormat;
  logLevel: string;
  rateLimit: number;
  webhookAllowPrivate?: boolean;
  metricsPublic?: boolean;
  durableCommits: boolean;
}

function serverOptions(command: Command, defaults: { dataDir: string; port: number }): Command {
  return command
    .addOption(new Option('--host <host>', 'address the public API listens on').env('METALFORGE_HOST').default('127.0.0.1'))
    .addOption(
      new Option('--port <port>', 'port of the public API (0 = any free port)')
        .env('METALFORGE_PORT')
        .default(defaults.port)
        .argParser(number('port', 0)),
    )
    .addOption(
      new Option('--boot-host <host>', 'address the boot service listens on: one on the provisioning network, not a public one')
        .env('METALFORGE_BOOT_HOST')
        .default('127.0.0.1'),
    )
    .addOption(
      new Option(
        '--boot-port <port>',
        'port of the boot service (iPXE, metadata, phone-home; 0 = any free port) [default: --port + 1, or any free port when --port is 0]',
      )
        .env('METALFORGE_BOOT_PORT')
        .argParser(number('boot-port', 0)),
    )
    .addOption(
      new Option('--boot-public-url <url>', 'base URL machines reach the boot service at, e.g. a load balancer over every server')
        .env('METALFORGE_BOOT_PUBLIC_URL')
        .argParser(httpUrl),
    )
    .addOption(
      new Option('--boot-trusted-proxy <list>', 'proxies (addresses or CIDRs) whose X-Forwarded-For names the machine on the boot service')
        .env('METALFORGE_BOOT_TRUSTED_PROXY')
        .argParser(list),
    )
    .addOption(
      new Option('--installer-dir <dir>', 'real installer kernels and initrds (<installer>/<file>) the boot service serves').env(
        'METALFORGE_INSTALLER_DIR',
      ),
    )
    .addOption(
      new Option(
        '--dhcp-range <subnet,first,last>',
        'run a DHCP server for the provisioning network (PXE, UEFI and iPXE aware; --boot-host is its server address); leave out to keep your own DHCP',
      )
        .env('METALFORGE_DHCP_RANGE')
        .argParser(dhcpRange),
    )
    .addOption(
      new Option(
        '--dhcp-listen <address>',
        'address the DHCP server binds: 0.0.0.0 hears broadcasts on the segment, a unicast address only relayed requests',
      )
        .env('METALFORGE_DHCP_LISTEN')
        .default('0.0.0.0'),
    )
    .addOption(
      new Option('--tftp', 'run a TFTP server on --boot-host:69 serving iPXE (undionly.kpxe, ipxe.efi) to firmware PXE').env(
        'METALFORGE_TFTP',
      ),
    )
    .addOption(
      new Option('--data-dir <dir>', 'embedded database (PGlite), secret key and admin token live here')
        .env('METALFORGE_DATA_DIR')
        .default(defaults.dataDir),
    )
    .addOption(new Option('--database-url <url>', 'use this PostgreSQL server instead of the embedded database').env('DATABASE_URL'))
    .addOption(new Option('--catalog <file>', 'world to seed an empty database with').env('METALFORGE_CATALOG').default(DEFAULT_CATALOG))
    .addOption(
      new Option('--sim-scale <factor>', 'simulated hardware timings multiplier (1 = realistic, 0 = instant)')
        .env('METALFORGE_SIM_SCALE')
        .default(0.1)
        .argParser(number('sim-scale', 0)),
    )
    .addOption(
      new Option('--sim-faults <list>', 'fault injection, e.g. install=0.1,bmc-busy=0.2,bmc-timeout=0.05,drop-boot=0.1,bmc-delay=200')
        .env('METALFORGE_SIM_FAULTS')
        .argParser(parseFaults),
    )
    .addOption(new Option('--boot-path <path>', 'how simulated machines network-boot').choices(['http', 'in-process']).default('http'))
    .addOption(new Option('--admin-token <token>', 'use this operator token instead of a generated one').env('METALFORGE_ADMIN_TOKEN'))
    .addOption(
      new Option('--log-format <format>', 'log format on stderr')
        .choices(['json', 'pretty'])
        .env('METALFORGE_LOG_FORMAT')
        .default('pretty'),
    )
    .addOption(
      new Option('--log-level <level>', 'log level')
        .choices(['trace', 'debug', 'info', 'warn', 'error', 'silent'])
        .env('METALFORGE_LOG_LEVEL')
        .default('info'),
    )
    .addOption(new Option('--rate-limit <n>', 'requests per minute per API key').default(6000).argParser(number('rate-limit', 1)))
    .addOption(
      new Option(
        '--webhook-allow-private',
        'let webhooks call loopback, private and link-local addresses (off: public addresses only)',
      ).env('METALFORGE_WEBHOOK_ALLOW_PRIVATE'),
    )
    .addOption(
      new Option('--metrics-public', 'serve /metrics without a token (by default it needs the operator token)').env(
        'METALFORGE_METRICS_PUBLIC',
      ),
    )
    .addOption(
      new Option(
        '--no-durable-commits',
        'embedded database: acknowledge commits before they reach the disk (faster; a power loss can lose them; throwaway clouds only)',
      ),
    );
}

async function startServer(flags: ServerFlags) {
  const logger = createLogger(flags.logLevel, flags.logFormat);
  const cloud = await createCloud({
    dataDir: resolve(flags.dataDir),
    databaseUrl: flags.databaseUrl,
    catalog: flags.catalog,
    simScale: flags.simScale,
    simFaults: flags.simFaults,
    bootPath: flags.bootPath,
    host: flags.host,
    port: flags.port,
    bootHost: flags.bootHost,
    bootPort: flags.bootPort,
    bootPublicUrl: flags.bootPublicUrl,
    bootTrustedProxies: flags.bootTrustedProxy,
    bootInstallerDir: flags.installerDir && resolve(flags.installerDir),
    provisioning: {
      dhcp: flags.dhcpRange && {
        serverAddress: flags.bootHost,
        bindAddress: flags.dhcpListen,
        networks: [flags.dhcpRange],
        onProblem: (problem) => logger.warn({ problem }, 'DHCP request not answered'),
      },
      tftp: flags.tftp ? { bindAddress: flags.bootHost } : undefined,
    },
    adminToken: flags.adminToken,
    logger,
    rateLimit: { limit: flags.rateLimit },
    engine: { webhookAllowPrivate: !!flags.webhookAllowPrivate },
    metricsPublic: flags.metricsPublic,
    durableCommits: flags.durableCommits,
    progress: (step) => process.stderr.write(`metalforge: ${step}...\n`),
  });
  const url = await cloud.listen();
  const stop = async () => {
    logger.info('shutting down');
    await cloud.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  return { cloud, url, logger };
}

/** The admin token is shown once, when this start created it; later starts say where it is kept. */
function adminTokenLine(cloud: Cloud): string {
  const kept = cloud.adminTokenFile ? `kept in ${cloud.adminTokenFile} (mode 0600)` : '';
  if (cloud.adminTokenCreated) return `${cloud.adminToken}   (created now and shown only this once${kept ? `; ${kept}` : ''})`;
  return kept || 'the token you passed (--admin-token / METALFORGE_ADMIN_TOKEN)';
}

serverOptions(program.command('server').description('run the metal cloud: the Metal v1 API, boot service and simulated data center'), {
  dataDir: '.metalforge/data',
  port: 8080,
}).action(async (flags: ServerFlags) => {
  const { cloud, url } = await startServer(flags);
  const db = flags.databaseUrl ? 'PostgreSQL' : `PGlite in ${resolve(flags.dataDir)}`;
  process.stdout.write(
    [
      `metalforge ${VERSION} is serving`,
      `  API          ${url}/metal/v1   (OpenAPI: ${url}/metal/v1/openapi.json)`,
      `  console      ${url}/   (sign in with an API token)`,
      `  boot         ${cloud.bootUrl}   (DHCP filename for iPXE clients: ${cloud.bootUrl}/boot/auto.ipxe)`,
      ...(cloud.provisioning?.dhcp ? [`  DHCP         ${cloud.provisioning.dhcp.address}:${cloud.provisioning.dhcp.port}`] : []),
      ...(cloud.provisioning?.tftp ? [`  TFTP         ${cloud.provisioning.tftp.address}:${cloud.provisioning.tftp.port}`] : []),
      `  admin token  ${adminTokenLine(cloud)}`,
      `  database     ${db}`,
      `  terraform    export METAL_API_URL=${url}/metal/v1 METAL_AUTH_TOKEN=<token>`,
      '',
    ].join('\n'),
  );
});

serverOptions(
  program
    .command('demo')
    .description('start a local metal cloud on the embedded database and deploy an example stack through real terraform')
    .option('--example <name>', `example to deploy (${listExamples().join(', ')})`, 'core-web-ny')
    .option('--exit', 'stop the cloud after the deploy instead of serving on'),
  { dataDir: '.metalforge/demo', port: 0 },
).action(async (flags: ServerFlags & { example: string; exit?: boolean }) => {
  const { cloud, url, logger } = await startServer({ ...flags, logLevel: flags.logLevel === 'info' ? 'warn' : flags.logLevel });
  const tokenRef = cloud.adminTokenFile ? `$(cat ${cloud.adminTokenFile})` : cloud.adminToken;
  process.stdout.write(
    [
      `metal cloud up at ${url}/metal/v1 (admin token ${adminTokenLine(cloud)})`,
      `  for the README's tour: export METAL_API_URL=${url}/metal/v1 METAL_AUTH_TOKEN=${tokenRef}`,
      '',
    ].join('\n'),
  );
  try {
    await deploy({
      target: flags.example,
      apiUrl: url,
      token: cloud.adminToken,
      stateDir: join(resolve(flags.dataDir), 'terraform-state'),
    });
  } catch (err) {
    logger.error((err as Error).message);
    await cloud.close();
    process.exit(1);
  }
  if (flags.exit) {
    await cloud.close();
    return;
  }
  process.stdout.write(
    [
      '',
      `the cloud keeps running at ${url}/metal/v1 (Ctrl-C to stop)`,
      `  console  open ${url}/ and paste the admin token: ${tokenRef === cloud.adminToken ? cloud.adminToken : `the output of cat ${cloud.adminTokenFile}`}`,
      `  curl     curl -H "X-Auth-Token: ${tokenRef}" ${url}/metal/v1/projects`,
      '',
    ].join('\n'),
  );
});

program
  .command('vm-lab')
  .description(
    'run a throwaway metal cloud whose servers are QEMU VMs that really network-boot through metalforge DHCP, TFTP and HTTP, ' +
      'in network namespaces of their own (needs root, /dev/net/tun, qemu-system-x86, ovmf, ipxe, dnsmasq-base, busybox-static)',
  )
  .addOption(new Option('--port <n>', 'API and console port on 127.0.0.1 (0: any free port)').default(8080).argParser(number('port', 0)))
  .addOption(new Option('--inside', 'run the lab cloud itself (what vm-lab starts in the server namespace)').hideHelp())
  .action(async (flags: { port: number; inside?: boolean }) => {
    if (flags.inside) return serveVmLabInside();
    process.stderr.write('metalforge: building the VM segment and starting the lab cloud (the first run builds the VM images)...\n');
    const lab = await startVmLabProcess({ port: flags.port }).catch((err: Error) => {
      process.stderr.write(`metalforge: ${err.message}\n`);
      process.exit(1);
    });
    const api = `${lab.url}/metal/v1`;
    process.stdout.write(
      [
        `metalforge VM lab is serving (Ctrl-C stops the VMs and removes the lab)`,
        `  API          ${api}`,
        `  console      ${lab.url}/   (sign in with the admin token)`,
        `  admin token  ${lab.adminToken}   (this lab's only; it ends with it)`,
        `  VM plans     ${Object.entries(VM_PLANS)
          .map(([firmware, plan]) => `${plan} (${firmware.toUpperCase()})`)
          .join(', ')}: one machine each, metro ny`,
        `  segment      ${lab.segment.subnet} in namespace ${lab.segment.namespace}; boot services on ${lab.segment.serverAddress} in ${lab.segment.serverNamespace}`,
        `  terraform    export METAL_API_URL=${api} METAL_AUTH_TOKEN=${lab.adminToken}`,
        '',
      ].join('\n'),
    );
    let stopping = false;
    const stop = async () => {
      stopping = true;
      await lab.stop();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
    const code = await lab.exited;
    if (stopping) return;
    process.stderr.write(`metalforge: the lab cloud exited (${code}); removing the lab\n`);
    await lab.stop();
    process.exit(1);
  });

for (const [name, destroy] of [
  ['deploy', false],
  ['destroy', true],
] as const) {
  program
    .command(`${name} <example>`)
    .description(`${destroy ? 'destroy' : 'synthesize and apply'} a cdktf stack (an example name or a directory) with real terraform`)
    .addOption(
      new Option('--api-url <url>', 'metalforge API URL, with or without /metal/v1')
        .env('METAL_API_URL')
        .default('http://127.0.0.1:8080/metal/v1'),
    )
    .addOption(new Option('--token <token>', 'API token').env('METAL_AUTH_TOKEN').makeOptionMandatory())
    .option('--state-dir <dir>', "keep the Terraform state here (<dir>/<stack>.tfstate) instead of the app's own backend path")
    .addOption(
      new Option(
        '--remote-state <project-id>',
        'keep the Terraform state on the server, in this project (one state per stack, with locking)',
      ).env('METALFORGE_STATE_PROJECT'),
    )
    .action(async (example: string, flags: { apiUrl: string; token: string; stateDir?: string; remoteState?: string }) => {
      await deploy({
        target: example,
        apiUrl: flags.apiUrl.replace(/\/metal\/v1\/?$/, ''),
        token: flags.token,
        destroy,
        stateDir: flags.stateDir,
        remoteStateProject: flags.remoteState,
      });
    });
}

// bin/metalforge runs test/run itself (before node starts); this entry lists the command and serves direct runs.
program
  .command('test [jest-args...]')
  .description('run every test with the real parts (terraform, PGlite, PostgreSQL, ipmi_sim, ...); ends with "N passed, N failed"')
  .allowUnknownOption()
  .action((args: string[]) => {
    process.exitCode = spawnSync('bash', [join(ROOT, 'test', 'run'), ...args], { stdio: 'inherit' }).status ?? 1;
  });

program
  .command('provider')
  .description('terraform-provider-metal packaging')
  .command('install')
  .description('build the provider into a filesystem mirror and write a Terraform CLI config, so `terraform init` works offline')
  .option('--dir <dir>', 'project directory that gets .metalforge/', ROOT)
  .option(
    '--lock <app-dir>',
    'also write the provider into the lock file of every stack of this synthesized cdktf app (so `cdktf deploy` needs no registry)',
  )
  .action(async (flags: { dir: string; lock?: string }) => {
    const installed = await installProvider({ projectDir: resolve(flags.dir) });
    const locked = flags.lock ? readStacks(resolve(flags.lock)).filter((stack) => syncProviderLock(stack.dir, installed)) : [];
    process.stdout.write(
      [
        `terraform-provider-metal ${installed.version} ${installed.upToDate ? 'is up to date' : 'installed'}: ${installed.executable}`,
        ...locked.map((stack) => `locked ${stack.name}: ${join(stack.dir, '.terraform.lock.hcl')}`),
        `use it with: export TF_CLI_CONFIG_FILE=${installed.cliConfigFile} CHECKPOINT_DISABLE=1`,
        '',
      ].join('\n'),
    );
  });

registerStoreCommands(program);

program.parseAsync(process.argv).catch((err: Error) => {
  process.stderr.write(`metalforge: ${err.message}\n`);
  process.exit(1);
});
