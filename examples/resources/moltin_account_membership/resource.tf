variable "shopper_password" {
  type      = string
  sensitive = true
}

resource "moltin_password_profile" "shoppers" {
  name = "Test shoppers"
}

resource "moltin_account" "acme" {
  name = "Acme Test Co"
}

resource "moltin_account_member" "sam" {
  name                = "Sam Shopper"
  email               = "sam.member@example.com"
  password_profile_id = moltin_password_profile.shoppers.id
  password            = var.shopper_password
}

# Sam buys for Acme. Created right after the member, it waits (up to 10 s)
# for the API to build the member from its user authentication info.
resource "moltin_account_membership" "sam_acme" {
  account_id        = moltin_account.acme.id
  account_member_id = moltin_account_member.sam.id
}
