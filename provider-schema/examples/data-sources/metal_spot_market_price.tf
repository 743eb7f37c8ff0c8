data "metal_spot_market_price" "ny" {
  metro = "ny"
  plan  = "c3.small.x86"
}

# Bid 20% above the current price.
locals {
  bid = data.metal_spot_market_price.ny.price * 1.2
}
