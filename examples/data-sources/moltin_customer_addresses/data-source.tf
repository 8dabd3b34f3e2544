# Every saved address of one customer.
data "moltin_customer_addresses" "shopper" {
  customer_id = "b57022cf-c80e-4b85-9fd1-5af3156d8adf"
}

# Such as the postcode of the address labelled "Home", if there is one.
output "home_postcode" {
  value = one([for a in data.moltin_customer_addresses.shopper.addresses : a.postcode if a.name == "Home"])
}
