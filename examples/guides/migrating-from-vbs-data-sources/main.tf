# From huaweicloud_vbs_backup, flexibleengine_vbs_backup_v2 or opentelekomcloud_vbs_backup_v2 to vbs_backup.
terraform {
  required_providers {
    vbs = {
      source = "terraform-provider-vbs/vbs"
    }
  }
}

provider "vbs" {}

variable "backup_name" {
  description = "The name of the backup to read."
  type        = string
}

variable "volume_id" {
  description = "The volume the backup belongs to (null: any volume)."
  type        = string
  default     = null
}

# Before:
#
#   data "huaweicloud_vbs_backup" "db" {      # flexibleengine_vbs_backup_v2, opentelekomcloud_vbs_backup_v2
#     name      = var.backup_name
#     volume_id = var.volume_id
#     status    = "available"
#   }
#
# After: the same filters. most_recent = true selects the newest where several backups match, where
# the old data sources failed with "your query returned more than one result".
data "vbs_backup" "db" {
  name        = var.backup_name
  volume_id   = var.volume_id
  status      = "available"
  most_recent = true
}

locals {
  # The old data sources' attributes, by their old names.
  db = {
    id                = data.vbs_backup.db.id
    name              = data.vbs_backup.db.name
    description       = data.vbs_backup.db.description
    status            = data.vbs_backup.db.status
    availability_zone = data.vbs_backup.db.availability_zone
    volume_id         = data.vbs_backup.db.volume_id
    snapshot_id       = data.vbs_backup.db.snapshot_id
    size              = data.vbs_backup.db.size
    container         = data.vbs_backup.db.container
    # The raw text, with the volume key masked as "(sensitive)".
    service_metadata = data.vbs_backup.db.service_metadata_json
  }
}

# Where a configuration decoded the service_metadata string with jsondecode() and read its Huawei
# keys, the parsed object names them: Type -> backup_type, bootable -> bootable, backupurl ->
# backup_url, and so on.
output "backup_type" {
  value = data.vbs_backup.db.service_metadata.backup_type # "full" or "incremental"
}

output "bootable" {
  value = data.vbs_backup.db.service_metadata.bootable
}

# Keys the API document does not list stay readable, as text, in extra.
output "snapshot_of_backup" {
  value = lookup(data.vbs_backup.db.service_metadata.extra, "snap_id", null)
}

output "db" {
  value = local.db
}

# service_metadata text kept from the old data source (a variable, another module's output) parses
# with the provider function, which needs no API call; try() tolerates malformed text.
variable "saved_service_metadata" {
  description = "service_metadata text as the old data sources returned it."
  type        = string
  default     = null
}

output "saved_backup_type" {
  value = try(provider::vbs::service_metadata_parse(var.saved_service_metadata).backup_type, null)
}
