# Seeds the test customers that a storefront's end-to-end tests log in with.
# Credentials come from EPCC_CLIENT_ID, EPCC_CLIENT_SECRET and
# EPCC_API_BASE_URL (the emulator prints all three).
terraform {
  required_providers {
    moltin = {
      source = "moltin-community/moltin"
    }
  }
}

provider "moltin" {}

variable "customers" {
  description = "Test customers by key."
  type = map(object({
    name  = string
    email = string
  }))
  default = {
    shopper = { name = "Sam Shopper", email = "sam.shopper@example.com" }
    vip     = { name = "Vera Vip", email = "vera.vip@example.com" }
    support = { name = "Sid Support", email = "sid.support@example.com" }
  }
}

variable "customer_password" {
  description = "The password the end-to-end tests log in with."
  type        = string
  sensitive   = true
}

variable "password_version" {
  description = "Bump to send the password again (rotation)."
  type        = number
  default     = 1
}

resource "moltin_customer" "test" {
  for_each = var.customers

  name         = each.value.name
  email        = each.value.email
  external_ref = "e2e-${each.key}"

  # Write-only: sent to the API, never stored in the plan or the state.
  password_wo         = var.customer_password
  password_wo_version = var.password_version
}

output "customer_ids" {
  value = { for k, c in moltin_customer.test : k => c.id }
}
