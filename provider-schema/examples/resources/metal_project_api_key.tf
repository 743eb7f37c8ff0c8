resource "metal_project_api_key" "monitoring" {
  project_id  = metal_project.demo.id
  description = "read-only key for monitoring"
  read_only   = true
}
