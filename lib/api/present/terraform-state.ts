/** Versions of a Terraform state as the API lists them. */
import { METAL_API_BASE } from '../../contract/hrefs';
import type { TerraformStateVersion } from '../../contract/terraform-state';
import type { TerraformStateVersionRow } from '../../engine';

export function presentStateVersion(projectId: string, name: string, row: TerraformStateVersionRow): TerraformStateVersion {
  return {
    version: row.version,
    serial: row.serial,
    lineage: row.lineage,
    size_bytes: row.size_bytes,
    md5: row.md5,
    created_at: new Date(row.created_at).toISOString(),
    created_by: { api_key_id: row.written_by_key_id, description: row.written_by },
    ...(row.restored_from === null ? {} : { restored_from: row.restored_from }),
    href: `${METAL_API_BASE}/projects/${projectId}/terraform/state/${name}/versions/${row.version}`,
  };
}
