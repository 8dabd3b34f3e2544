# For Terraform before 1.11 and OpenTofu before 1.11, which have no write-only
# attributes. The password is stored in plain text in the state: keep the
# state encrypted and access-controlled, and move to password_wo once every
# client that applies this configuration supports it.
variable "legacy_shopper_password" {
  type      = string
  sensitive = true
}

resource "moltin_customer" "legacy_shopper" {
  name     = "Lee Legacy"
  email    = "lee.legacy@example.com"
  password = var.legacy_shopper_password
}
