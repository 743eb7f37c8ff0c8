resource "metal_bgp_session" "ipv4" {
  device_id      = metal_device.router.id
  address_family = "ipv4"
}
