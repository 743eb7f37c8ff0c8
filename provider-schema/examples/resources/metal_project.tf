resource "metal_project" "demo" {
  name = "demo"
}
