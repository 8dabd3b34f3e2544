# leftovers.tfquery.hcl: every customer that an end-to-end run made, by the
# address domain the test seeds use. Run with `terraform query` (1.14+).
provider "moltin" {}

list "moltin_customer" "e2e_leftovers" {
  provider = moltin
  limit    = 500

  config {
    email_like = "*@e2e.example.com"
  }
}

# A narrower search: the customers of one CI run, by their external reference.
list "moltin_customer" "run_1234" {
  provider         = moltin
  include_resource = true

  config {
    name_like    = "E2E *"
    external_ref = "ci-run-1234"
  }
}
