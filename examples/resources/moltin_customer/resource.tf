variable "shopper_password" {
  type      = string
  sensitive = true
  ephemeral = true # never kept in the plan or state; set TF_VAR_shopper_password
}

# A test customer whose password is write-only: sent to the API on create,
# never stored. Needs Terraform 1.11+ or OpenTofu 1.11+.
resource "moltin_customer" "shopper" {
  name         = "Sam Shopper"
  email        = "sam.shopper@example.com"
  external_ref = "e2e-shopper"

  password_wo = var.shopper_password
  # Change this number to send password_wo again (rotate the password).
  password_wo_version = 1
}

# A customer without a password, for tests that exercise sign-up flows.
resource "moltin_customer" "guest" {
  name  = "Gail Guest"
  email = "gail.guest@example.com"
}
