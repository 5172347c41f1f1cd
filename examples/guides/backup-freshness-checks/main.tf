# Warn, without failing the plan, when a volume's newest available backup is older than a day.
terraform {
  required_version = ">= 1.5" # check blocks
  required_providers {
    vbs = {
      source = "terraform-provider-vbs/vbs"
    }
  }
}

provider "vbs" {}

variable "volumes" {
  description = "The volumes whose backups are watched: a label of your choice => volume id."
  type        = map(string)
}

variable "max_age" {
  description = "How old the newest available backup of a volume may be, as timeadd() reads durations."
  type        = string
  default     = "24h"
}

# The newest available backup of each volume: one request each (limit = 1, newest first, API filters
# only), answered with one backup. A volume without any available backup gives an empty list, which
# the check reports, instead of an error that would stop the plan.
data "vbs_backups" "newest" {
  for_each = var.volumes

  volume_id = each.value
  status    = "available"
  sort_key  = "created_at"
  sort_dir  = "desc"
  limit     = 1
}

locals {
  # plantimestamp() is known while planning; timestamp() is not, and would defer the check to apply.
  oldest_allowed = timeadd(plantimestamp(), "-${var.max_age}")

  newest_backup_at = {
    for label, backups in data.vbs_backups.newest : label => one(backups.backups[*].created_at)
  }
  stale = {
    for label, created_at in local.newest_backup_at : label => coalesce(created_at, "never")
    if created_at == null ? true : timecmp(created_at, local.oldest_allowed) < 0
  }
}

# A check block cannot have for_each: one assertion covers every volume and names the stale ones.
check "backup_freshness" {
  assert {
    condition = length(local.stale) == 0
    error_message = format("No available backup newer than %s for: %s.", var.max_age,
    join(", ", [for label, at in local.stale : "${label} (newest: ${at})"]))
  }
}

# A check may hold one data source of its own: an error reading it (here: no available backup in the
# whole project) becomes the check's warning instead of stopping the plan. This one asks whether the
# backup job ran at all in the project: one request, newest first.
check "project_backup_job" {
  data "vbs_backup" "project_newest" {
    status      = "available"
    most_recent = true
  }

  assert {
    condition     = timecmp(data.vbs_backup.project_newest.created_at, local.oldest_allowed) >= 0
    error_message = "The project's newest available backup (${data.vbs_backup.project_newest.id}) was created at ${data.vbs_backup.project_newest.created_at}, more than ${var.max_age} ago."
  }
}

output "newest_backup_at" {
  description = "When each volume's newest available backup was created (null: none)."
  value       = local.newest_backup_at
}
