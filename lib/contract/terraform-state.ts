/**
 * The Terraform state service's contract: state names, the upload limit, the version shape, and the "locked"
 * error whose body is both Metal-shaped and the holder's lock info (what Terraform's http backend reads on 409).
 */
import { Type, type Static } from '@sinclair/typebox';
import { MetalError } from './errors';
import { Meta } from './schemas';

/** State names: what fits in a URL path segment and a file name. */
export const STATE_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$';
export const STATE_NAME_RULE = '1 to 128 letters, digits, dots, underscores and hyphens, starting with a letter or digit';

/** The largest state document accepted (a state of several thousand resources is a few MiB). */
export const MAX_STATE_BYTES = 64 * 1024 * 1024;

/** The environment variable that opts a cdktf stack into state on metalforge (MetalStateBackend.fromEnvironment). */
export const STATE_PROJECT_ENV = 'METALFORGE_STATE_PROJECT';

/** Lock info as Terraform sends it with LOCK and UNLOCK (statemgr.LockInfo). */
export interface TerraformLockInfo {
  ID: string;
  Operation?: string;
  Info?: string;
  Who?: string;
  Version?: string;
  Created?: string;
  Path?: string;
}

export const TerraformStateVersion = Type.Object({
  version: Type.Integer({ description: 'numbered from 1 per state, in the order written' }),
  serial: Type.Union([Type.Integer(), Type.Null()], { description: "Terraform's own serial of the state document" }),
  lineage: Type.Union([Type.String(), Type.Null()]),
  size_bytes: Type.Integer(),
  md5: Type.String({ description: 'MD5 of the document, base64 (as in Content-MD5)' }),
  created_at: Type.String(),
  created_by: Type.Object({ api_key_id: Type.String(), description: Type.String() }),
  restored_from: Type.Optional(Type.Integer({ description: 'set when this version was written by restoring that one' })),
  href: Type.String(),
});
export type TerraformStateVersion = Static<typeof TerraformStateVersion>;

export const TerraformStateVersionList = Type.Object({ versions: Type.Array(TerraformStateVersion), meta: Meta });

/** The body of a 409: the Metal error fields and the holder's lock info. */
export const StateLockedBody = Type.Object({
  errors: Type.Array(Type.String()),
  code: Type.Optional(Type.String()),
  ID: Type.String(),
  Operation: Type.Optional(Type.String()),
  Info: Type.Optional(Type.String()),
  Who: Type.Optional(Type.String()),
  Version: Type.Optional(Type.String()),
  Created: Type.Optional(Type.String()),
  Path: Type.Optional(Type.String()),
});

/** The state is locked by someone else: 409 whose body carries the holder's lock info next to the Metal fields. */
export class StateLockedError extends MetalError {
  constructor(
    message: string,
    readonly holder: TerraformLockInfo,
  ) {
    super('conflict', message);
  }

  override toBody() {
    return { ...this.holder, ...super.toBody() };
  }
}

/** "ID=… (terraform apply by ci@runner, since …)": a lock holder as a person reads it. */
export function describeLock(lock: TerraformLockInfo): string {
  const operation = lock.Operation?.replace(/^OperationType/, '').toLowerCase();
  const by = [operation && `terraform ${operation}`, lock.Who && `by ${lock.Who}`, lock.Created && `since ${lock.Created}`]
    .filter(Boolean)
    .join(' ');
  return `ID=${lock.ID}${by ? ` (${by})` : ''}`;
}
