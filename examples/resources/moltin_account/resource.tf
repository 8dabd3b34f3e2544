# A company account that test shoppers buy for.
resource "moltin_account" "acme" {
  name            = "Acme Test Co"
  legal_name      = "Acme Test Company Ltd"
  registration_id = "e2e-acme-001" # unique in the store
  external_ref    = "crm-4711"
}

# A sub-account: parent_id is set at creation only (changing it replaces it).
resource "moltin_account" "acme_east" {
  name      = "Acme Test Co (East)"
  parent_id = moltin_account.acme.id
}
