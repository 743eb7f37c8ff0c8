data "metal_spot_market_request" "workers" {
  request_id = "6f3ac6b2-2b4e-4d36-9d1e-0c51a4f0b3a1"
}

output "worker_ids" {
  value = data.metal_spot_market_request.workers.device_ids
}
