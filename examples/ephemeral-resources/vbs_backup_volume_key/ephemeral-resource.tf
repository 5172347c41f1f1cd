# The key of the volume the newest available backup was made of, read during the run and written to
# neither the plan nor the state (Terraform >= 1.10, OpenTofu >= 1.11).
data "vbs_backup" "latest" {
  volume_id   = var.volume_id
  status      = "available"
  most_recent = true
}

ephemeral "vbs_backup_volume_key" "latest" {
  id = data.vbs_backup.latest.id
}

# Handed to a write-only attribute (Terraform >= 1.11, OpenTofu >= 1.11), which the provider of the
# resource sends on and never stores: here into a Vault secret, through the Vault provider's
# data_json_wo. Raise data_json_wo_version to write a new value.
resource "vault_kv_secret_v2" "volume_key" {
  mount                = "secret"
  name                 = "volumes/${var.volume_id}/backup-key"
  data_json_wo         = jsonencode({ backup_id = data.vbs_backup.latest.id, key = ephemeral.vbs_backup_volume_key.latest.volume_key })
  data_json_wo_version = 1
}

variable "volume_id" {
  type = string
}
