# A test shopper with a home and a work address, for checkout tests that
# pick a saved shipping or billing address.
resource "moltin_customer" "shopper" {
  name  = "Sam Shopper"
  email = "sam.shopper@example.com"
}

resource "moltin_customer_address" "home" {
  customer_id  = moltin_customer.shopper.id
  name         = "Home"
  first_name   = "Sam"
  last_name    = "Shopper"
  phone_number = "+44 113 496 0000"
  line_1       = "1 High Street"
  line_2       = "Flat 2"
  city         = "Leeds"
  county       = "West Yorkshire"
  postcode     = "LS1 1AA"
  country      = "GB"
  instructions = "Leave with the neighbour at number 3"
}

resource "moltin_customer_address" "work" {
  customer_id  = moltin_customer.shopper.id
  name         = "Work"
  first_name   = "Sam"
  last_name    = "Shopper"
  company_name = "Example Ltd"
  line_1       = "100 Market Street"
  city         = "Manchester"
  county       = "Greater Manchester"
  postcode     = "M1 1AA"
  country      = "gb" # either case; sent as GB
}
