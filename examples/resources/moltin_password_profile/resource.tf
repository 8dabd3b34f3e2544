# The password profile that the store's test shoppers log in under: their
# usernames must be email addresses.
resource "moltin_password_profile" "shoppers" {
  name            = "Test shoppers"
  username_format = "email"
}
