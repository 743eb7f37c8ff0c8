data "metal_port" "bond0" {
  device_id = metal_device.db.id
  name      = "bond0"
}
