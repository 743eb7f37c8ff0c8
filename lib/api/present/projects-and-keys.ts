/** Projects, SSH keys, API keys, the user and the organization in the contract's Metal shapes, from their rows. */
import { METAL_API_BASE, href } from '../../contract/hrefs';
import type { ApiKey, Organization, Project, SshKey } from '../../contract/schemas';
import { isoTime } from '../../core/clock';
import type { ApiKeyRow, CreatedApiKey, OrganizationRow, ProjectRow, SshKeyRow, UserRow } from '../../engine';

const iso = (v: Date | string | null | undefined): string => isoTime(v) ?? '';

export function presentProject(p: ProjectRow): Project {
  return {
    id: p.id,
    name: p.name,
    organization: href(`/organizations/${p.organization_id}`),
    created_at: iso(p.created_at),
    updated_at: iso(p.updated_at),
    href: `${METAL_API_BASE}/projects/${p.id}`,
    tags: p.tags,
    customdata: p.customdata,
    devices: (p.device_ids ?? []).map((id) => href(`/devices/${id}`)),
    ssh_keys: (p.ssh_key_ids ?? []).map((id) => href(`/ssh-keys/${id}`)),
    members: [],
    memberships: [],
    invitations: [],
    volumes: [],
    max_devices: {},
    network_status: {},
    bgp_config: null,
    payment_method: null,
    url: null,
    backend_transfer_enabled: p.backend_transfer_enabled,
    type: 'default',
  };
}

export function presentSshKey(k: SshKeyRow): SshKey {
  return {
    id: k.id,
    label: k.label,
    key: k.key,
    fingerprint: k.fingerprint,
    tags: k.tags,
    created_at: iso(k.created_at),
    updated_at: iso(k.updated_at),
    href: `${METAL_API_BASE}/ssh-keys/${k.id}`,
    entity: k.project_id ? href(`/projects/${k.project_id}`) : href(`/users/${k.user_id}`),
  };
}

/** An API key; its token only when just created (the answer recorded for an idempotent create has none). */
export function presentApiKey(row: ApiKeyRow | CreatedApiKey): ApiKey {
  const key: ApiKey = {
    id: row.id,
    description: row.description,
    read_only: row.read_only,
    token_prefix: row.token_prefix,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
    href: `${METAL_API_BASE}/api-keys/${row.id}`,
    project: row.project_id ? href(`/projects/${row.project_id}`) : null,
    user: row.project_id ? null : href(`/users/${row.user_id}`),
  };
  return 'token' in row ? { ...key, token: row.token } : key;
}

/** The calling user, in their organization. */
export function presentUser(row: UserRow, organizationId: string) {
  return {
    id: row.id,
    email: row.email,
    full_name: row.full_name,
    created_at: new Date(row.created_at).toISOString(),
    href: `${METAL_API_BASE}/users/${row.id}`,
    default_organization_id: organizationId,
  };
}

export function presentOrganization(row: OrganizationRow): Organization {
  const created = new Date(row.created_at).toISOString();
  return {
    id: row.id,
    name: row.name,
    description: '',
    customdata: {},
    created_at: created,
    updated_at: created,
    href: `${METAL_API_BASE}/organizations/${row.id}`,
    projects: (row.project_ids ?? []).map((id) => href(`/projects/${id}`)),
    members: (row.user_ids ?? []).map((id) => href(`/users/${id}`)),
    memberships: [],
  };
}
