resource "metal_gateway" "backend" {
  project_id               = metal_project.web.id
  vlan_id                  = metal_vlan.backend.id
  private_ipv4_subnet_size = 8
}
