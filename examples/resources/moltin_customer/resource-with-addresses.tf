# Test shoppers with their saved addresses, seeded from one map: each
# shopper is one resource, its addresses nested in it, so that a thousand
# shoppers cost the CLI a thousand resources, not a million references.
locals {
  shoppers = {
    ann = {
      name  = "Ann Lee"
      email = "ann.lee@example.com"
      addresses = {
        Home = { first_name = "Ann", last_name = "Lee", line_1 = "1 High Street", city = "Leeds", postcode = "LS1 1AA", country = "GB" }
        Work = { first_name = "Ann", last_name = "Lee", line_1 = "100 Market Street", city = "Manchester", postcode = "M1 1AA", country = "GB" }
      }
    }
    bob = {
      name  = "Bob Brown"
      email = "bob.brown@example.com"
      addresses = {
        Home = { first_name = "Bob", last_name = "Brown", line_1 = "350 Fifth Avenue", city = "New York", region = "NY", postcode = "10118", country = "US" }
      }
    }
  }
}

resource "moltin_customer" "shopper" {
  for_each = local.shoppers

  name  = each.value.name
  email = each.value.email

  # Keyed by the address's name, the label the shopper picks it by.
  addresses = each.value.addresses
}

output "home_address_ids" {
  value = { for key, shopper in moltin_customer.shopper : key => shopper.addresses["Home"].id }
}
