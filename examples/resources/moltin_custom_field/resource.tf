# The store's own data on customers: a loyalty tier, points, a VIP flag and
# a membership date, each a field of the core flow `customers` (created when
# the store has none yet).
resource "moltin_custom_field" "loyalty_tier" {
  flow           = "customers"
  slug           = "loyalty_tier"
  name           = "Loyalty tier"
  field_type     = "string"
  allowed_values = ["bronze", "silver", "gold"]
  default        = "bronze"
}

resource "moltin_custom_field" "points" {
  flow        = "customers"
  slug        = "points"
  name        = "Loyalty points"
  description = "Points to spend at checkout"
  field_type  = "integer"
  min         = 0
  max         = 1000000
}

resource "moltin_custom_field" "vip" {
  flow       = "customers"
  slug       = "vip"
  name       = "VIP"
  field_type = "boolean"
}

resource "moltin_custom_field" "member_since" {
  flow       = "customers"
  slug       = "member_since"
  name       = "Member since"
  field_type = "date"
}
