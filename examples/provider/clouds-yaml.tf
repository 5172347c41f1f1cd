# OpenStack: the entry "production" of clouds.yaml (found as the OpenStack CLI finds it, or through
# OS_CLIENT_CONFIG_FILE); arguments set here override what clouds.yaml says.
provider "vbs" {
  cloud         = "production"
  endpoint_type = "internal"
}
