# The store's Account Management realm and member settings.
data "moltin_account_authentication_settings" "store" {}

output "account_realm_id" {
  value = data.moltin_account_authentication_settings.store.realm_id
}
