# The newest available backup of a volume from the last 24 hours, handed to a restore module.
# plantimestamp() is known during plan, so the backup is read during plan too; timestamp() is not,
# and would defer the read to apply.
data "vbs_backup" "last_night" {
  volume_id     = var.volume_id
  status        = "available"
  created_after = timeadd(plantimestamp(), "-24h")
  most_recent   = true
}

module "restore" {
  source    = "./modules/restore-volume"
  backup_id = data.vbs_backup.last_night.id
}

# The newest full backup whose name starts with "db-": incremental and name_regex are applied by the
# provider while it reads the pages, newest first, and it stops after the page of the first match.
data "vbs_backup" "latest_full" {
  name_regex  = "^db-"
  incremental = false
  most_recent = true
}

# The backup made from a snapshot; an error if none or several match.
data "vbs_backup" "of_snapshot" {
  snapshot_id = var.snapshot_id
}

# One backup by id: GET .../backups/{id}, no listing. include_volume_keys writes the volume key to
# the state; the ephemeral resource vbs_backup_volume_key reads it without writing it anywhere.
data "vbs_backup" "by_id" {
  id                  = var.backup_id
  include_volume_keys = true
}

# Where "no backup" is an answer rather than an error: one() of a list of at most one id is null
# when nothing matches.
data "vbs_backup_ids" "tagged" {
  status   = "available"
  metadata = { env = "prod" } # Cinder microversion 3.43 and later
  limit    = 1
}

output "prod_backup_id_or_null" {
  value = one(data.vbs_backup_ids.tagged.ids)
}

# The volume key of an encrypted volume's backup, sensitive.
output "volume_key" {
  value     = data.vbs_backup.by_id.volume_key
  sensitive = true
}

variable "volume_id" {
  type = string
}

variable "snapshot_id" {
  type = string
}

variable "backup_id" {
  type = string
}
