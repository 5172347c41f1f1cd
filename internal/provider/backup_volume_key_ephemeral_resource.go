package provider

import (
	"context"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbs"
)

var (
	_ ephemeral.EphemeralResource              = (*backupVolumeKeyEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithConfigure = (*backupVolumeKeyEphemeralResource)(nil)
)

// NewBackupVolumeKeyEphemeralResource is the constructor of the vbs_backup_volume_key ephemeral resource.
func NewBackupVolumeKeyEphemeralResource() ephemeral.EphemeralResource {
	return &backupVolumeKeyEphemeralResource{}
}

// backupVolumeKeyEphemeralResource reads a volume key for the length of one Terraform run: the
// value reaches what consumes it and never a plan or the state, as the data sources' keys do.
type backupVolumeKeyEphemeralResource struct {
	clients *clients
}

// backupVolumeKeyModel is the backup to read, where (as in the data sources), and its volume key.
type backupVolumeKeyModel struct {
	scopeModel
	ID        types.String `tfsdk:"id"`
	VolumeKey types.String `tfsdk:"volume_key"`
}

func (r *backupVolumeKeyEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_backup_volume_key"
}

func (r *backupVolumeKeyEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "Backup id.",
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"volume_key": schema.StringAttribute{
			Computed: true, Sensitive: true,
			MarkdownDescription: "The encryption key of the backup's volume; null where the volume is not encrypted.",
		},
	}
	// The data sources' region and project_id, in the ephemeral schema's own types.
	for name, a := range scopeAttributes() {
		if s, ok := a.(dsschema.StringAttribute); ok { // every scope argument is a string; the scope test reads both
			attrs[name] = schema.StringAttribute{Optional: true, MarkdownDescription: s.MarkdownDescription, Validators: s.Validators}
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The encryption key of the volume a backup was made of (`VK` of its `service_metadata`), read " +
			"during the run (`GET …/backups/{id}`, as `vbs_backup` with `id`) and never written to a plan or the state. " +
			"Terraform 1.10 and later, OpenTofu 1.11 and later.",
		Attributes: attrs,
	}
}

func (r *backupVolumeKeyEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	r.clients = clientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *backupVolumeKeyEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m backupVolumeKeyModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, defaultReadTimeout)
	defer cancel()
	client := r.clients.forScope(ctx, m.scopeModel, &resp.Diagnostics)
	if client == nil {
		return
	}
	b := getBackup(ctx, client, m.ID.ValueString(), &resp.Diagnostics)
	if b == nil {
		return
	}
	if keys := volumeKeyUnreadable(b.Unreadable); len(keys) > 0 {
		resp.Diagnostics.AddWarning("The volume key could not be read",
			"Backup "+b.ID+": "+strings.Join(keys, ", ")+" could not be read, so volume_key is null although the volume may be encrypted.")
	}
	m.VolumeKey = volumeKey(b)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}

// volumeKeyUnreadable are those of a backup's unreadable keys (vbs.Backup.Unreadable) that may hide
// its volume key: VK itself, and service_metadata that could not be read or was kept back.
func volumeKeyUnreadable(unreadable []string) []string {
	var keys []string
	for _, key := range unreadable {
		if key == "service_metadata" || key == vbs.WithheldServiceMetadata ||
			slices.Contains(unreadableAttributesOf(key), volumeKeyAttribute) {
			keys = append(keys, key)
		}
	}
	return keys
}
