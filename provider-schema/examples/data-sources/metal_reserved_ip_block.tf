data "metal_reserved_ip_block" "holding" {
  project_id = metal_project.demo.id
  ip_address = "198.51.100.5"
}
