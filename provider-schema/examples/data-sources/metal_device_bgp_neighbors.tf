data "metal_device_bgp_neighbors" "router" {
  device_id = metal_bgp_session.ipv4.device_id
}
