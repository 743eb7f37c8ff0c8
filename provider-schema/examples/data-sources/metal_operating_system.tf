data "metal_operating_system" "ubuntu" {
  distro           = "ubuntu"
  version          = "22.04"
  provisionable_on = "c3.small.x86"
}
