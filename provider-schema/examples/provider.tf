terraform {
  required_providers {
    metal = {
      source  = "metalforge/metal"
      version = "0.1.0"
    }
  }
}

# api_url and auth_token default to the METAL_API_URL and METAL_AUTH_TOKEN environment variables.
provider "metal" {
  api_url     = "http://127.0.0.1:8080/metal/v1"
  max_retries = 10
}
