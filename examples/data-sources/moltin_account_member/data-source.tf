variable "shopper_password" {
  type      = string
  sensitive = true
}

resource "moltin_password_profile" "shoppers" {
  name = "Test shoppers"
}

resource "moltin_account_member" "sam" {
  name                = "Sam Shopper"
  email               = "sam.lookup@example.com"
  password_profile_id = moltin_password_profile.shoppers.id
  password            = var.shopper_password
}

# Look an account member up by email (case-insensitively), for example one
# that another configuration manages.
data "moltin_account_member" "sam" {
  email = moltin_account_member.sam.email
}
