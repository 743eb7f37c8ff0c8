data "metal_gateway" "backend" {
  gateway_id = metal_gateway.backend.id
}
