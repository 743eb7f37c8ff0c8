resource "metal_spot_market_request" "workers" {
  project_id    = metal_project.demo.id
  metro         = "ny"
  max_bid_price = 0.3
  devices_min   = 2
  devices_max   = 4
  kind          = "persistent"

  instance_parameters {
    hostname         = "worker"
    plan             = "c3.small.x86"
    operating_system = "ubuntu_24_04"
    tags             = ["batch"]
  }

  # Create waits until devices_min devices are active.
  timeouts {
    create = "20m"
  }
}

output "worker_ipv4" {
  value = metal_spot_market_request.workers.devices[*].public_ipv4
}
