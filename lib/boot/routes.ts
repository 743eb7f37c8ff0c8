/**
 * The machine-facing HTTP service: iPXE scripts, installer files, Metal-style and EC2-style metadata,
 * user-data, phone-home and install progress. Register with `app.register(bootRoutes, options)`; the plugin is
 * encapsulated, so its error handler and form parser touch only these routes.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { MetalError } from '../contract/errors';
import type { BootBackend, BootDevice } from './backend';
import { sendMetalError } from './errors';
import { BOOT_TOKEN_HEADER } from '../contract/boot';
import { INSTALLERS } from './installers';
import {
  BootPlan,
  BootUrls,
  UNKNOWN_MACHINE_ATTEMPTS,
  planBoot,
  renderAutoChain,
  renderChain,
  renderInstall,
  renderLocal,
  renderRefusal,
  renderRescue,
  renderUnknownMachine,
} from './ipxe';
import { ec2Lookup, ec2MetaData, metalMetadata } from './metadata';
import {
  AcceptedResponse,
  ErrorResponse,
  EventBody,
  IpxeQuery,
  IpxeText,
  Metadata,
  PhoneHomeBody,
  PlainText,
  TokenHeaders,
  TokenQuery,
} from './schemas';

export interface BootRoutesOptions {
  backend: BootBackend;
  /** Base URL machines reach this service at (e.g. http://10.0.0.2:8080); defaults to each request's scheme and Host. */
  publicBaseUrl?: string;
  /** Where installer kernels and initrds live; defaults to <base>/installers, where simulated ones are served. */
  installerBaseUrl?: string;
  /**
   * A directory holding real installer files as <installer>/<file> (e.g. osie/vmlinuz-x86_64), served at
   * /installers instead of the simulated ones: real firmware boots them.
   */
  installerDir?: string;
}

/** The EC2 API versions served; cloud-init asks for 2009-04-04, most tools for latest. */
export const EC2_VERSIONS = ['2009-04-04', 'latest'] as const;

const TEXT = 'text/plain; charset=utf-8';
const ERRORS = { '4xx': ErrorResponse, '5xx': ErrorResponse };

type TokenRequest = FastifyRequest<{ Querystring: TokenQuery; Headers: TokenHeaders }>;

export const bootRoutes: FastifyPluginAsync<BootRoutesOptions> = async (app: FastifyInstance, options) => {
  const { backend } = options;
  const baseUrl = (request: FastifyRequest) => options.publicBaseUrl?.replace(/\/+$/, '') ?? `${request.protocol}://${request.host}`;
  const bootUrls = (request: FastifyRequest): BootUrls => {
    const base = baseUrl(request);
    return {
      metadata: `${base}/metadata`,
      phoneHome: `${base}/phone-home`,
      events: backend.reportProgress ? `${base}/events` : undefined,
      installers: options.installerBaseUrl?.replace(/\/+$/, '') ?? `${base}/installers`,
    };
  };

  app.setErrorHandler(sendMetalError);
  // Installers post with curl -d as often as with JSON.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.get('/boot/auto.ipxe', { schema: { response: { 200: IpxeText, ...ERRORS } } }, async (request, reply) =>
    reply.type(TEXT).send(renderAutoChain(`${baseUrl(request)}/boot/ipxe`)),
  );

  app.get<{ Querystring: IpxeQuery }>(
    '/boot/ipxe',
    { schema: { querystring: IpxeQuery, response: { 200: IpxeText, ...ERRORS } } },
    async (request, reply) => {
      const { mac, token } = request.query;
      if (mac === undefined && token === undefined) {
        throw new MetalError(
          'validation_failed',
          'query/mac is required: send the booting NIC as mac=${net0/mac} (or a boot token as token=)',
        );
      }
      const normalizedMac = mac?.toLowerCase().replace(/-/g, ':');
      const device = await backend.findDevice(normalizedMac !== undefined ? { mac: normalizedMac } : { token });
      reply.type(TEXT);
      if (!device) {
        const attempt = request.query.attempt ?? 1;
        const identity = normalizedMac !== undefined ? `MAC ${normalizedMac}` : 'this boot token';
        // Both values passed their schema patterns, so they are URL-safe as they are.
        const lookup = normalizedMac !== undefined ? `mac=${normalizedMac}` : `token=${token}`;
        const retryUrl = attempt < UNKNOWN_MACHINE_ATTEMPTS ? `${baseUrl(request)}/boot/ipxe?${lookup}&attempt=${attempt + 1}` : undefined;
        return reply.send(renderUnknownMachine(identity, attempt, retryUrl));
      }
      // A MAC is no secret: the install (or rescue) token goes only to the first fetch after the engine booted the machine.
      const installToken = device.mode === 'local' ? undefined : (token ?? (await backend.takeInstallToken(device.id)) ?? undefined);
      const plan = planBoot(device, installToken);
      if (installToken !== undefined) await actOnPlan(plan, installToken, request.ip);
      return reply.send(renderPlan(device, plan, bootUrls(request)));
    },
  );

  /** Side effects of the boot decision of an install, as Metal had them. */
  async function actOnPlan(plan: BootPlan, token: string, ip: string): Promise<void> {
    // Metal made a custom-iPXE device active once it was handed its script: nothing of ours runs after that.
    if (plan.kind === 'chain') await backend.phoneHome(token, { ip });
    // A provision that cannot start should fail now rather than time out.
    if (plan.kind === 'refuse' && backend.reportProgress) {
      await backend.reportProgress(token, { state: 'failed', message: `cannot boot: ${plan.reason}` });
    }
  }

  app.get<{ Params: { installer: string; file: string } }>(
    '/installers/:installer/:file',
    { schema: { response: { 200: PlainText, ...ERRORS } } },
    async (request, reply) => {
      const installer = INSTALLERS.get(request.params.installer);
      const { file } = request.params;
      if (!installer || (file !== installer.kernel && file !== installer.initrd)) {
        throw new MetalError('not_found', `No installer file ${request.params.installer}/${file}.`);
      }
      if (options.installerDir) {
        const content = await readFile(join(options.installerDir, installer.name, file)).catch(() => undefined);
        if (!content) throw new MetalError('not_found', `No installer file ${installer.name}/${file} in the installer directory.`);
        return reply.type('application/octet-stream').send(content);
      }
      // Simulated installer: the file exists and names itself; a real deployment points installerBaseUrl at a mirror.
      return reply.type('application/octet-stream').send(Buffer.from(`metalforge simulated ${installer.name} ${file}\n`));
    },
  );

  /**
   * The requesting machine's device: by the token of its running install when it sends one, else by its source
   * address (as Metal's metadata service answered a device at one of its own addresses).
   */
  async function requestingDevice(request: TokenRequest): Promise<BootDevice> {
    const token = request.headers[BOOT_TOKEN_HEADER] ?? request.query.token;
    if (token !== undefined) {
      const device = await backend.findDevice({ token });
      if (!device) throw invalidToken();
      return device;
    }
    // A dual-stack listener sees IPv4 peers as IPv4-mapped IPv6; devices hold the IPv4 form.
    const ip = request.ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
    const device = await backend.findDevice({ ip });
    if (!device) {
      throw new MetalError(
        'not_found',
        `No device has the address ${ip}: metadata is served to a device's own address, ` +
          'or send its install token in the X-Boot-Token header.',
      );
    }
    return device;
  }

  const tokenSchema = { querystring: TokenQuery, headers: TokenHeaders };

  app.get<{ Querystring: TokenQuery; Headers: TokenHeaders }>(
    '/metadata',
    { schema: { ...tokenSchema, response: { 200: Metadata, ...ERRORS } } },
    async (request) => {
      const device = await requestingDevice(request);
      const urls = bootUrls(request);
      return metalMetadata(device, { phoneHome: urls.phoneHome, events: urls.events });
    },
  );

  const userData = async (request: TokenRequest) => {
    const device = await requestingDevice(request);
    if (device.userData === undefined) throw new MetalError('not_found', `Device ${device.id} has no user data.`);
    return device.userData;
  };
  const textRoute = { schema: { ...tokenSchema, response: { 200: PlainText, ...ERRORS } } };

  app.get<{ Querystring: TokenQuery; Headers: TokenHeaders }>('/user-data', textRoute, async (request, reply) =>
    reply.type(TEXT).send(await userData(request)),
  );

  for (const version of EC2_VERSIONS) {
    app.get<{ Querystring: TokenQuery; Headers: TokenHeaders }>(`/${version}/`, textRoute, async (request, reply) => {
      const device = await requestingDevice(request);
      return reply.type(TEXT).send(device.userData !== undefined ? 'meta-data/\nuser-data' : 'meta-data/');
    });
    app.get<{ Querystring: TokenQuery; Headers: TokenHeaders }>(`/${version}/user-data`, textRoute, async (request, reply) =>
      reply.type(TEXT).send(await userData(request)),
    );
    const metaData = async (request: TokenRequest, path: string) => {
      const device = await requestingDevice(request);
      const text = ec2Lookup(ec2MetaData(device), path);
      if (text === null) throw new MetalError('not_found', `No meta-data at ${path}.`);
      return text;
    };
    app.get<{ Querystring: TokenQuery; Headers: TokenHeaders }>(`/${version}/meta-data`, textRoute, async (request, reply) =>
      reply.type(TEXT).send(await metaData(request, '')),
    );
    app.get<{ Querystring: TokenQuery; Headers: TokenHeaders; Params: { '*': string } }>(
      `/${version}/meta-data/*`,
      textRoute,
      async (request, reply) => reply.type(TEXT).send(await metaData(request, request.params['*'])),
    );
  }

  /** The token of a POST: the X-Boot-Token header, else the body's token field. */
  const postedToken = (request: FastifyRequest<{ Body: { token?: string }; Headers: TokenHeaders }>): string => {
    const token = request.headers[BOOT_TOKEN_HEADER] ?? request.body.token;
    if (token === undefined) {
      throw new MetalError(
        'validation_failed',
        'body/token is required: send the one-time token from the kernel arguments (or the X-Boot-Token header)',
      );
    }
    return token;
  };
  // Installers may post without a body when the token travels in the header.
  const emptyBodyIsObject = async (request: FastifyRequest) => {
    if (request.body === undefined || request.body === null) request.body = {};
  };

  app.post<{ Body: PhoneHomeBody; Headers: TokenHeaders }>(
    '/phone-home',
    {
      preValidation: emptyBodyIsObject,
      schema: { body: PhoneHomeBody, headers: TokenHeaders, response: { 200: AcceptedResponse, ...ERRORS } },
    },
    async (request) => {
      const result = await backend.phoneHome(postedToken(request), { ip: request.ip });
      if (result === 'already_used') {
        throw new MetalError(
          'conflict',
          'This phone-home token was already used: the device has reported its install once. Reinstall the device to get a new token.',
        );
      }
      if (result === 'unknown') throw invalidToken();
      return { accepted: true as const };
    },
  );

  const { reportProgress } = backend;
  if (reportProgress) {
    app.post<{ Body: EventBody; Headers: TokenHeaders }>(
      '/events',
      { schema: { body: EventBody, headers: TokenHeaders, response: { 202: AcceptedResponse, ...ERRORS } } },
      async (request, reply) => {
        const { state, percentage, message } = request.body;
        const result = await reportProgress.call(backend, postedToken(request), { state, percentage, message });
        if (result === 'unknown') throw invalidToken();
        return reply.code(202).send({ accepted: true as const });
      },
    );
  }
};

/** Tokens of installs that ended (phone-home, failure, deletion) are as unknown as made-up ones. */
function invalidToken(): MetalError {
  return new MetalError(
    'unauthorized',
    'This boot token belongs to no install in progress: ' +
      'install tokens end when the machine phones home, the install fails or the device is deleted.',
  );
}

function renderPlan(device: BootDevice, plan: BootPlan, urls: BootUrls): string {
  switch (plan.kind) {
    case 'install':
      return renderInstall(device, plan.installer, urls, plan.token);
    case 'rescue':
      return renderRescue(device, urls, plan.token);
    case 'chain':
      return renderChain(device, plan.url);
    case 'local':
      return renderLocal(device);
    case 'refuse':
      return renderRefusal(device, plan.reason);
  }
}
