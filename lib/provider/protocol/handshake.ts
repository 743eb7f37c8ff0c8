/** go-plugin handshake: the environment Terraform starts a plugin with, and the one line the plugin answers with. */

export const MAGIC_COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
export const MAGIC_COOKIE_VALUE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';
export const CORE_PROTOCOL_VERSION = 1;
export const APP_PROTOCOL_VERSION = 6;

export interface HandshakeEnvironment {
  /** PEM of Terraform's client certificate; absent when plugin TLS is disabled. */
  clientCertPem?: string;
}

/** Checks the environment; a string is the human explanation for stderr when the plugin must not start. */
export function checkHandshakeEnvironment(env: NodeJS.ProcessEnv): HandshakeEnvironment | string {
  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    return (
      'This binary is a plugin. These are not meant to be executed directly.\n' +
      'Please execute the program that consumes these plugins, which will\n' +
      'load any plugins automatically (terraform-provider-metal is run by `terraform`).'
    );
  }
  const versions = env.PLUGIN_PROTOCOL_VERSIONS;
  if (
    versions &&
    !versions
      .split(',')
      .map((v) => v.trim())
      .includes(String(APP_PROTOCOL_VERSION))
  ) {
    return `terraform-provider-metal speaks plugin protocol ${APP_PROTOCOL_VERSION}; this Terraform offers ${versions}. Use Terraform 1.0 or newer.`;
  }
  return { clientCertPem: env.PLUGIN_CLIENT_CERT || undefined };
}

/** `1|6|tcp|127.0.0.1:PORT|grpc|CERT`: the only line a plugin ever writes to stdout. */
export function handshakeLine(address: { host: string; port: number }, certificate: string): string {
  return [CORE_PROTOCOL_VERSION, APP_PROTOCOL_VERSION, 'tcp', `${address.host}:${address.port}`, 'grpc', certificate].join('|');
}
