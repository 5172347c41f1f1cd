# The configuration `make demo` runs against the local simulator. The provider takes its endpoint and
# token from VBS_ENDPOINT and OS_TOKEN, as it would for a Cinder reached without Keystone.
terraform {
  required_providers {
    vbs = {
      source = "terraform-provider-vbs/vbs"
    }
  }
}

provider "vbs" {}

# Every backup, newest first, read 10 per request so that the demo walks several pages.
data "vbs_backups" "all" {
  sort_key  = "created_at"
  sort_dir  = "desc"
  page_size = 10
}

# The newest available backup of the volume that owns the most recent backup: what a restore module
# takes. The provider selects it; only that one backup reaches Terraform.
data "vbs_backup" "newest_available" {
  volume_id   = data.vbs_backups.all.backups[0].volume_id
  status      = "available"
  most_recent = true
}

# A local module that takes the backup's id and shows what it would restore.
module "restore" {
  source    = "../modules/restore-volume"
  backup_id = data.vbs_backup.newest_available.id
}

locals {
  row = "%-36s  %-22s  %-15s  %5s  %-27s  %s"
}

output "backups_table" {
  description = "Every backup as a table: id, name, status, size (GB), created_at, backup type."
  value = join("\n", concat(
    [format(local.row, "ID", "NAME", "STATUS", "SIZE", "CREATED_AT", "TYPE")],
    [for b in data.vbs_backups.all.backups : format(local.row,
      b.id,
      coalesce(b.name, "-"),
      coalesce(b.status, "-"),
      coalesce(try(tostring(b.size), null), "-"),
      coalesce(b.created_at, "-"),
      b.incremental == null ? "-" : (b.incremental ? "incremental" : "full"),
    )],
  ))
}

output "backup_count" {
  value = length(data.vbs_backups.all.ids)
}

output "newest_available_backup_id" {
  description = "The backup handed to the restore module."
  value       = data.vbs_backup.newest_available.id
}

output "restore_plan" {
  description = "What the restore module would restore."
  value       = module.restore.plan
}
