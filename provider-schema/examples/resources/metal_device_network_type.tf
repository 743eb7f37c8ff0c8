resource "metal_device_network_type" "db" {
  device_id = metal_device.db.id
  type      = "hybrid"
}
