# Look a customer up by email (matched case-insensitively)...
data "moltin_customer" "by_email" {
  email = "ron@example.com"
}

# ...or by id. Exactly one of id and email must be set.
data "moltin_customer" "by_id" {
  id = "b57022cf-c80e-4b85-9fd1-5af3156d8adf"
}

output "ron_id" {
  value = data.moltin_customer.by_email.id
}

output "ron_has_password" {
  value = data.moltin_customer.by_email.has_password
}
