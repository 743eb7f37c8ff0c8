resource "metal_device_network_type" "db" {
  device_id = metal_device.db.id
  type      = "hybrid"
}

resource "metal_port_vlan_attachment" "db_backend" {
  device_id = metal_device_network_type.db.id
  port_name = "eth1"
  vlan_vnid = metal_vlan.backend.vxlan
}
