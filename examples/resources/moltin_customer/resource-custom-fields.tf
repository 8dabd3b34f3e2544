resource "moltin_custom_field" "tier" {
  flow           = "customers"
  slug           = "loyalty_tier"
  name           = "Loyalty tier"
  field_type     = "string"
  allowed_values = ["bronze", "silver", "gold"]
}

resource "moltin_custom_field" "points" {
  flow       = "customers"
  slug       = "points"
  name       = "Loyalty points"
  field_type = "integer"
  min        = 0
}

resource "moltin_custom_field" "vip" {
  flow       = "customers"
  slug       = "vip"
  name       = "VIP"
  field_type = "boolean"
}

# A gold-tier shopper. Keys written as the fields' slugs, in parentheses,
# make Terraform create the fields first.
resource "moltin_customer" "gold" {
  name  = "Goldie Shopper"
  email = "goldie.shopper@example.com"

  custom_fields = {
    (moltin_custom_field.tier.slug)   = "gold"
    (moltin_custom_field.points.slug) = 1200
    (moltin_custom_field.vip.slug)    = true
  }
}

# Literal keys work too; then depends_on orders the apply.
resource "moltin_customer" "silver" {
  name  = "Silvia Shopper"
  email = "silvia.shopper@example.com"

  custom_fields = {
    loyalty_tier = "silver"
    points       = 300
  }
  depends_on = [moltin_custom_field.tier, moltin_custom_field.points]
}
