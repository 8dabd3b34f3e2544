# A set of test shoppers, each with its saved addresses, seeded from one map,
# as separate resources. (Nesting the addresses in moltin_customer is simpler
# still: see its `addresses`.)
locals {
  shoppers = {
    ann = {
      name  = "Ann Lee"
      email = "ann.lee@example.com"
      addresses = {
        home = { line_1 = "1 High Street", city = "Leeds", postcode = "LS1 1AA", country = "GB" }
        work = { line_1 = "100 Market Street", city = "Manchester", postcode = "M1 1AA", country = "GB" }
      }
    }
    bob = {
      name  = "Bob Brown"
      email = "bob.brown@example.com"
      addresses = {
        home = { line_1 = "350 Fifth Avenue", city = "New York", postcode = "10118", country = "US", region = "NY" }
      }
    }
  }

  # One entry per address, keyed "<shopper>/<label>".
  addresses = merge([
    for key, shopper in local.shoppers : {
      for label, address in shopper.addresses : "${key}/${label}" => merge(address, {
        shopper = key
        label   = label
        name    = shopper.name
      })
    }
  ]...)

  # The customers' ids, computed once. Each address refers to this map, not
  # to moltin_customer.shopper[...]: a reference into a for_each or count
  # resource makes the CLI rebuild that resource's whole value for every
  # address, which grows as the square of the number of shoppers.
  customer_ids = { for key, shopper in moltin_customer.shopper : key => shopper.id }
}

resource "moltin_customer" "shopper" {
  for_each = local.shoppers

  name  = each.value.name
  email = each.value.email
}

resource "moltin_customer_address" "address" {
  for_each = local.addresses

  customer_id = local.customer_ids[each.value.shopper]
  name        = title(each.value.label)
  first_name  = split(" ", each.value.name)[0]
  last_name   = split(" ", each.value.name)[1]
  line_1      = each.value.line_1
  city        = each.value.city
  region      = lookup(each.value, "region", null)
  postcode    = each.value.postcode
  country     = each.value.country
}

output "address_ids" {
  value = { for key, address in moltin_customer_address.address : key => address.id }
}
