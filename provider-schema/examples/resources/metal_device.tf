resource "metal_device" "web" {
  project_id       = metal_project.demo.id
  hostname         = "web-1"
  plan             = "c3.small.x86"
  metro            = "ny"
  operating_system = "ubuntu_22_04"
  billing_cycle    = "hourly"
  tags             = ["web"]
  user_data        = file("cloud-config.yaml")

  # A new user_data reinstalls this device in place instead of replacing it.
  behavior {
    allow_changes = ["user_data"]
  }
}
