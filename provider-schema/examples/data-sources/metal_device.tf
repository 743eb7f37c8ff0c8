data "metal_device" "web" {
  project_id = metal_project.demo.id
  hostname   = "web-1"
}

output "web_ip" {
  value = data.metal_device.web.access_public_ipv4
}
