variable "shopper_password" {
  type      = string
  sensitive = true
}

resource "moltin_password_profile" "shoppers" {
  name = "Test shoppers"
}

# On clients without write-only attributes (Terraform before 1.11), the
# legacy password attribute: it works everywhere, but the state keeps the
# password in plain text. A username other than the email is allowed by an
# "any" profile.
resource "moltin_account_member" "sam" {
  name                = "Sam Shopper"
  email               = "sam.legacy@example.com"
  username            = "sam-legacy"
  password_profile_id = moltin_password_profile.shoppers.id
  password            = var.shopper_password
}
