data "metal_port" "eth1" {
  device_id = metal_device.db.id
  name      = "eth1"
}

resource "metal_port" "eth1" {
  port_id         = data.metal_port.eth1.id
  bonded          = false
  vlan_ids        = [metal_vlan.backend.id]
  reset_on_delete = true
}
