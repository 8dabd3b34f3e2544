# Every customer whose name starts with "Test " (case-insensitively), newest
# first. All pages are read; set limit to stop early.
data "moltin_customers" "test_accounts" {
  name_like = "Test *"
  sort      = "-created_at"
}

# Exact filters are combined with "and". Commas and parentheses in a name are
# matched literally.
data "moltin_customers" "qa_smith" {
  name         = "Smith, John (QA)"
  external_ref = "crm-1234"
}

# The 10 customers created most recently.
data "moltin_customers" "latest" {
  sort  = "-created_at"
  limit = 10
}

output "test_account_emails" {
  value = data.moltin_customers.test_accounts.customers[*].email
}
