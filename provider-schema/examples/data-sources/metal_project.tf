data "metal_project" "demo" {
  name = "demo"
}
