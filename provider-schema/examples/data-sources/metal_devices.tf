data "metal_devices" "web" {
  project_id = metal_project.demo.id

  filter {
    attribute = "tags"
    values    = ["web"]
  }
  sort {
    attribute = "hostname"
  }
}
