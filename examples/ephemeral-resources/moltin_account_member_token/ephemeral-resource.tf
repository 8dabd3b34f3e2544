# Seed a shopper on an Account Management store and log it in, handing its
# token to whatever needs it, without the password or the token ever being
# stored in the plan or state. Needs Terraform 1.11+ or OpenTofu 1.11+.

variable "shopper_password" {
  type      = string
  sensitive = true
  ephemeral = true # pass it with TF_VAR_shopper_password
}

resource "moltin_password_profile" "shoppers" {
  name            = "Test shoppers"
  username_format = "email"
}

resource "moltin_account" "acme" {
  name = "Acme Test Co"
}

resource "moltin_account_member" "sam" {
  name                = "Sam Shopper"
  email               = "sam.token@example.com"
  password_profile_id = moltin_password_profile.shoppers.id
  password_wo         = var.shopper_password
  password_wo_version = 1
}

resource "moltin_account_membership" "sam_acme" {
  account_id        = moltin_account.acme.id
  account_member_id = moltin_account_member.sam.id
}

ephemeral "moltin_account_member_token" "sam" {
  password_profile_id = moltin_password_profile.shoppers.id
  username            = moltin_account_member.sam.username
  password            = var.shopper_password
  # The token for this account; may be left out when the member has one.
  account_id = moltin_account_membership.sam_acme.account_id
}

# Ephemeral values may be used in provider blocks, other ephemeral resources
# and write-only attributes, for example a storefront test runner's provider:
#
# provider "storefront" {
#   account_token = ephemeral.moltin_account_member_token.sam.token
# }
