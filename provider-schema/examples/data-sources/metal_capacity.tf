data "metal_capacity" "edge" {
  metros = ["at", "ch", "se"]
  plans  = ["t3.small.x86"]
}
