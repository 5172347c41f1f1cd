# The ids of every available backup, however many there are: cheap even for 100,000 backups.
data "vbs_backup_ids" "available" {
  status = "available"
}

output "available_backup_count" {
  value = length(data.vbs_backup_ids.available.ids)
}
