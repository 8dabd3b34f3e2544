# Import a custom field by its id (GET /v2/flows/customers/fields lists them).
terraform import moltin_custom_field.loyalty_tier 7e4c3a52-9a59-4d7f-a1f6-8a0c8b2d4e11
