terraform {
  required_providers {
    moltin = {
      source = "moltin-community/moltin"
    }
  }
}

# Credentials come from the environment, so that no secret is written in the
# configuration: EPCC_CLIENT_ID and EPCC_CLIENT_SECRET (or the older
# MOLTIN_CLIENT_ID and MOLTIN_CLIENT_SECRET), and EPCC_API_BASE_URL for a
# store outside the default region.
provider "moltin" {
  # api_base_url          = "https://euwest.api.elasticpath.com"
  # max_requests_per_second = 100 # production stores; development stores allow 25
}
