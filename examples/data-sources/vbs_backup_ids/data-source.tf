# The ids of every available backup, however many there are: cheap even for 100,000 backups.
data "vbs_backup_ids" "available" {
  status = "available"
}

output "available_backup_count" {
  value = length(data.vbs_backup_ids.available.ids)
}

# The ids of the backups made from one snapshot, decoding nothing else of each backup.
data "vbs_backup_ids" "of_snapshot" {
  snapshot_id = var.snapshot_id
}

variable "snapshot_id" {
  type = string
}
