# Log a seeded test customer in and hand the token to something that needs it,
# without the password or the token ever being stored in the plan or state.
# Needs Terraform 1.10+ or OpenTofu 1.11+.

variable "shopper_password" {
  type      = string
  sensitive = true
  ephemeral = true # never kept in the plan; pass it with TF_VAR_shopper_password
}

ephemeral "moltin_customer_token" "shopper" {
  email    = "shopper@example.com"
  password = var.shopper_password
}

# Ephemeral values may be used in provider blocks, other ephemeral resources
# and write-only attributes, for example a storefront test runner's provider:
#
# provider "storefront" {
#   customer_token = ephemeral.moltin_customer_token.shopper.token
# }
