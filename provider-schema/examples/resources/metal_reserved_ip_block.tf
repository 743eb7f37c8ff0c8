resource "metal_reserved_ip_block" "elastic" {
  project_id  = metal_project.demo.id
  type        = "public_ipv4"
  metro       = "ny"
  quantity    = 4
  description = "elastic addresses"
  tags        = ["web"]
}

resource "metal_reserved_ip_block" "anycast" {
  project_id = metal_project.demo.id
  type       = "global_ipv4"
  quantity   = 1
}
