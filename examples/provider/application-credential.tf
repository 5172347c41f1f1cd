# OpenStack: a Keystone application credential, which is scoped to its project already.
provider "vbs" {
  auth_url                      = "https://keystone.example.com:5000/v3"
  application_credential_id     = "a4c1c1e2d2f94f2a8b9a9c2c1e0d3f4a"
  application_credential_secret = var.app_cred_secret # or OS_APPLICATION_CREDENTIAL_SECRET
}

variable "app_cred_secret" {
  type      = string
  sensitive = true
}
