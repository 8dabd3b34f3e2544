# Import a customer by its id...
terraform import moltin_customer.shopper b57022cf-c80e-4b85-9fd1-5af3156d8adf

# ...or by its email address, looked up through the API.
terraform import moltin_customer.shopper sam.shopper@example.com
