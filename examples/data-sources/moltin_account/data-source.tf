resource "moltin_account" "acme" {
  name = "Acme Lookup Co"
}

# Look an account up by its exact name...
data "moltin_account" "by_name" {
  name = moltin_account.acme.name
}

# ...or by its id.
data "moltin_account" "by_id" {
  id = moltin_account.acme.id
}
