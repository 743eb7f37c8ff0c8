resource "metal_project" "demo" {
  name = "demo"

  bgp_config {
    deployment_type = "local"
    asn             = 65000
    md5             = "C179c28c41a85b"
  }
}
