# The cheapest plan with at least 16 cores and NVMe drives that is offered in Amsterdam.
data "metal_plans" "big" {
  filter {
    attribute = "cpu_cores"
    values    = ["16"]
    match_by  = "at_least"
  }
  filter {
    attribute = "drive_types"
    values    = ["NVME"]
  }
  filter {
    attribute = "available_in_metros"
    values    = ["am"]
  }
  sort {
    attribute = "pricing_hour"
    direction = "asc"
  }
}

output "cheapest" {
  value = data.metal_plans.big.plans[0].slug
}
