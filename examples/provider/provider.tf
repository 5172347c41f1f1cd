# OpenStack: Keystone password authentication; the backup endpoint comes from the service catalog.
provider "vbs" {
  auth_url            = "https://keystone.example.com:5000/v3"
  region              = "RegionOne"
  user_name           = "backup-reader"
  password            = var.os_password
  user_domain_name    = "Default"
  project_name        = "production"
  project_domain_name = "Default"
}

variable "os_password" {
  type      = string
  sensitive = true
}
