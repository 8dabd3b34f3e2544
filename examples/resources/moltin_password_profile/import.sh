# Import a password profile by its id (its realm is the store's Account
# Management realm, found through the account authentication settings).
terraform import moltin_password_profile.shoppers 2c4ff6f5-bd57-4a25-a0ae-9a3a4b2d8b61
