# Import an account by its id.
terraform import moltin_account.acme 0a3c7a9e-4b1e-4a8f-9a3f-6c2d1e5f7b90
