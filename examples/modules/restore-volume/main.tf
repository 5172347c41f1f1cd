# A stand-in for a restore module: it takes the backup to restore and shows what it would restore,
# creating nothing. A real one would hand backup_id to a volume resource of the cloud's provider
# (openstack_blockstorage_volume_v3's backup_id, or huaweicloud_evs_volume's).
terraform {
  required_providers {
    vbs = {
      source = "terraform-provider-vbs/vbs"
    }
  }
}

variable "backup_id" {
  description = "The backup to restore a volume from."
  type        = string
  nullable    = false
}

data "vbs_backup" "this" {
  id = var.backup_id
}

output "plan" {
  description = "What the module would restore."
  value = format("would restore backup %s (%s, %d GB, %s, created %s) of volume %s",
    data.vbs_backup.this.id,
    coalesce(data.vbs_backup.this.name, "no name"),
    data.vbs_backup.this.size,
    data.vbs_backup.this.incremental == true ? "incremental" : "full",
    data.vbs_backup.this.created_at,
    data.vbs_backup.this.volume_id,
  )
}

output "size_gb" {
  description = "The size of the volume to create, in GB."
  value       = data.vbs_backup.this.size
}
