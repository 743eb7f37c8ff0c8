data "metal_ip_block_ranges" "demo" {
  project_id = metal_project.demo.id
  metro      = "ny"
}
