# The available full backups of a volume from the last seven days, newest first, with their parsed
# service metadata. incremental and created_after are applied by the provider while it reads the
# pages, and it stops after the page where the window ends.
data "vbs_backups" "week" {
  volume_id     = var.volume_id
  status        = "available"
  incremental   = false
  created_after = timeadd(plantimestamp(), "-168h")
}

output "week_full_backups" {
  value = [for b in data.vbs_backups.week.backups : "${b.id} ${b.created_at} ${b.size} GB"]
}

# Backups whose name matches a pattern, of any status; limit counts the matches.
data "vbs_backups" "db" {
  name_regex = "^db-[0-9]+$"
  limit      = 20
}

variable "volume_id" {
  type = string
}
