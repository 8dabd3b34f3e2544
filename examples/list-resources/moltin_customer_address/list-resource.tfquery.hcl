# addresses.tfquery.hcl: the saved addresses of one customer, such as one that
# a moltin_customer list block found. Run with `terraform query` (1.14+).
provider "moltin" {}

list "moltin_customer_address" "e2e_shopper" {
  provider         = moltin
  include_resource = true

  config {
    customer_id = "b57022cf-c80e-4b85-9fd1-5af3156d8adf"
  }
}
