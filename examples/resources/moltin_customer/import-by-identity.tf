# Terraform 1.12+ can import by the resource identity: the customer's id.
import {
  to = moltin_customer.shopper
  identity = {
    id = "b57022cf-c80e-4b85-9fd1-5af3156d8adf"
  }
}
