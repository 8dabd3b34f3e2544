# Import an account member by its id (that of its user authentication info).
# The password is never read back: set password_wo_version (or password) to
# send the configured one with the next apply.
terraform import moltin_account_member.sam 6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b
