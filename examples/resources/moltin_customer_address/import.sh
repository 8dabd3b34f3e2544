# Import an address by its customer's id and its own, joined by a slash.
terraform import moltin_customer_address.home b57022cf-c80e-4b85-9fd1-5af3156d8adf/5f0b2f2c-8f0e-4a5e-9a39-1b8e1f0f6c2d
