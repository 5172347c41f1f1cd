# Huawei Cloud: AK/SK request signing, no IAM call. The endpoint defaults to
# https://vbs.{region}.myhuaweicloud.com/v2/{project_id}.
provider "vbs" {
  region     = "cn-north-4"
  project_id = "0123456789abcdef0123456789abcdef"
  access_key = var.hw_access_key # or HW_ACCESS_KEY
  secret_key = var.hw_secret_key # or HW_SECRET_KEY
}

variable "hw_access_key" {
  type = string
}

variable "hw_secret_key" {
  type      = string
  sensitive = true
}
