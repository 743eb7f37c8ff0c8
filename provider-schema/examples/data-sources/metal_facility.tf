data "metal_facility" "ny5" {
  code              = "ny5"
  features_required = ["backend_transfer", "global_ipv4"]
}
