resource "metal_reserved_ip_block" "elastic" {
  project_id = metal_project.demo.id
  metro      = "ny"
  quantity   = 2
}

# The block's first address, as a /32, on the web server; changing device_id moves it (the attachment is replaced).
resource "metal_ip_attachment" "web" {
  device_id     = metal_device.web.id
  cidr_notation = "${cidrhost(metal_reserved_ip_block.elastic.cidr_notation, 0)}/32"
}
