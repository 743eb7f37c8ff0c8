data "metal_metro" "ny" {
  code = "ny"

  capacity {
    plan     = "c3.small.x86"
    quantity = 3
  }
}
