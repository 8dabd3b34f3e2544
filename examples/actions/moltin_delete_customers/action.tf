# Deletes the customers that end-to-end runs left in a test store: those of
# the domain the test seeds use, made more than a day ago, so that a run
# still under way keeps its own. Run it, with Terraform 1.14 or later, by
#   terraform apply -invoke=action.moltin_delete_customers.stale_e2e
action "moltin_delete_customers" "stale_e2e" {
  config {
    email_like     = "*@e2e.example.com"
    created_before = timeadd(plantimestamp(), "-24h")
    limit          = 5000
  }
}

# Counts what the action above would delete, and deletes nothing:
#   terraform apply -invoke=action.moltin_delete_customers.stale_e2e_count
action "moltin_delete_customers" "stale_e2e_count" {
  config {
    email_like     = "*@e2e.example.com"
    created_before = timeadd(plantimestamp(), "-24h")
    dry_run        = true
  }
}

# The customers of one CI run, by their name prefix and external reference,
# whatever their age.
action "moltin_delete_customers" "run_1234" {
  config {
    name_like    = "E2E *"
    external_ref = "ci-run-1234"
  }
}
