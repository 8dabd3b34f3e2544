# The id is the customer's id, or its email address (looked up through the API).
import {
  to = moltin_customer.shopper
  id = "sam.shopper@example.com"
}
