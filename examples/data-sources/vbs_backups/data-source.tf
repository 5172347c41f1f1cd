# The newest available backup of a volume, handed to a restore module.
data "vbs_backups" "latest" {
  volume_id = var.volume_id
  status    = "available"
  sort_key  = "created_at"
  sort_dir  = "desc"
  limit     = 1
}

module "restore" {
  source    = "./modules/restore-volume"
  backup_id = one(data.vbs_backups.latest.ids)
}

# Full backups only, with their parsed service metadata.
data "vbs_backups" "available" {
  status = "available"
}

locals {
  full_backups = [
    for b in data.vbs_backups.available.backups : b
    if try(b.service_metadata.backup_type, "full") == "full"
  ]
}

output "full_backup_ids" {
  value = [for b in local.full_backups : b.id]
}

variable "volume_id" {
  type = string
}
