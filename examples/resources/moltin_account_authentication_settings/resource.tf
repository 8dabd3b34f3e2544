# The store's account authentication settings: adopted on create (only the
# attributes set here are sent), left as they are on destroy.
resource "moltin_account_authentication_settings" "store" {
  enable_self_signup                                   = false
  auto_create_account_for_account_members              = false
  account_member_self_management                       = "update_only"
  account_management_authentication_token_timeout_secs = 86400
}
