resource "metal_vlan" "backend" {
  project_id  = metal_project.web.id
  metro       = "ny"
  vxlan       = 1040
  description = "database traffic"
}
