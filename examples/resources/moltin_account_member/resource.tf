variable "shopper_password" {
  type      = string
  sensitive = true
  ephemeral = true # never kept in the plan or state; set TF_VAR_shopper_password
}

resource "moltin_password_profile" "shoppers" {
  name            = "Test shoppers"
  username_format = "email"
}

# A shopper who logs in with its email and a write-only password (Terraform
# 1.11+ or OpenTofu 1.11+): sent to the API, never stored.
resource "moltin_account_member" "sam" {
  name                = "Sam Shopper"
  email               = "sam.shopper@example.com"
  password_profile_id = moltin_password_profile.shoppers.id

  password_wo = var.shopper_password
  # Change this number to send password_wo again (rotate the password).
  password_wo_version = 1
}
