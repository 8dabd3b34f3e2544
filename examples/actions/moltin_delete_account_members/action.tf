# Deletes the account members that end-to-end runs left in an Account
# Management store, with their password profile infos and memberships,
# once they are a day old. Run it, with Terraform 1.14 or later, by
#   terraform apply -invoke=action.moltin_delete_account_members.stale_e2e
action "moltin_delete_account_members" "stale_e2e" {
  config {
    email_like     = "*@e2e.example.com"
    created_before = timeadd(plantimestamp(), "-24h")
  }
}

# Counts them, and deletes nothing.
action "moltin_delete_account_members" "stale_e2e_count" {
  config {
    email_like     = "*@e2e.example.com"
    created_before = timeadd(plantimestamp(), "-24h")
    dry_run        = true
  }
}
