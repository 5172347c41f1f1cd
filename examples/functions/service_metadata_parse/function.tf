# The service_metadata text of a backup, as the VBS API and other providers
# (huaweicloud_vbs_backup, for one) give it.
locals {
  metadata = provider::vbs::service_metadata_parse(
    " {\"bootable\": false, \"backupurl\": \"58d94782-6509-45ad-9442-970d2a005050\", \"progress\": \"0\", \"Type\": 0} "
  )
}

output "backup_type" {
  value = local.metadata.backup_type # "full"
}

# Text that may be malformed: try() turns the function's error into a fallback.
output "progress" {
  value = try(provider::vbs::service_metadata_parse(var.service_metadata).progress, null)
}

# The volume key is sensitive where the text is.
output "volume_key" {
  value     = provider::vbs::service_metadata_parse(var.service_metadata).volume_key
  sensitive = true
}
