# Import a membership by its account's id and its own, joined by a slash.
terraform import moltin_account_membership.sam_acme 0a3c7a9e-4b1e-4a8f-9a3f-6c2d1e5f7b90/9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a
