# Inside a module: the key leaves it as an ephemeral output, which only ephemeral contexts (a
# provider block, a write-only attribute, another ephemeral output or local) may use.
variable "backup_id" {
  type = string
}

ephemeral "vbs_backup_volume_key" "this" {
  id = var.backup_id
}

output "volume_key" {
  value     = ephemeral.vbs_backup_volume_key.this.volume_key
  ephemeral = true
}
