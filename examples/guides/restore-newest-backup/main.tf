# Restore a volume from the newest available backup of another volume, with the OpenStack provider.
terraform {
  required_providers {
    vbs = {
      source = "terraform-provider-vbs/vbs"
    }
    openstack = {
      source  = "terraform-provider-openstack/openstack"
      version = "~> 3.0"
    }
  }
}

# Both providers read the same OS_* environment variables (OS_AUTH_URL, OS_USERNAME, OS_PASSWORD,
# OS_PROJECT_NAME, OS_USER_DOMAIN_NAME, OS_PROJECT_DOMAIN_NAME, OS_REGION_NAME), or OS_CLOUD and
# clouds.yaml: one set of credentials serves both.
provider "vbs" {}
provider "openstack" {}

variable "volume_id" {
  description = "The volume whose newest available backup is restored."
  type        = string
}

# The newest backup of the volume that can be restored. Only "available" backups can; most_recent
# picks the newest where there are several (without it, several matches are an error). With these
# API filters alone the read is one request.
data "vbs_backup" "newest" {
  volume_id   = var.volume_id
  status      = "available"
  most_recent = true
}

resource "openstack_blockstorage_volume_v3" "restored" {
  name        = "restore-of-${var.volume_id}"
  description = "Restored from backup ${data.vbs_backup.newest.id} of ${data.vbs_backup.newest.created_at}"
  size        = data.vbs_backup.newest.size
  backup_id   = data.vbs_backup.newest.id

  lifecycle {
    # backup_id forces a new volume: without this, the next backup taken would replace the
    # restored volume on the next apply. Remove the line (or taint the volume) to restore again.
    ignore_changes = [backup_id, size, description]
  }
}

output "restored_from" {
  description = "The backup the volume is restored from."
  value = {
    id         = data.vbs_backup.newest.id
    name       = data.vbs_backup.newest.name
    created_at = data.vbs_backup.newest.created_at
    size_gb    = data.vbs_backup.newest.size
  }
}
