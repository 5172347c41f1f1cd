package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbs"
)

var (
	_ datasource.DataSource              = (*backupsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*backupsDataSource)(nil)
)

// NewBackupsDataSource is the constructor of the vbs_backups data source.
func NewBackupsDataSource() datasource.DataSource { return &backupsDataSource{} }

type backupsDataSource struct {
	clients *clients
}

type backupsDataSourceModel struct {
	listingModel
	Backups    []backupModel     `tfsdk:"backups"`
	VolumeKeys map[string]string `tfsdk:"volume_keys"` // nil, and so null, unless IncludeVolumeKeys

	IncludeVolumeKeys types.Bool `tfsdk:"include_volume_keys"`
}

func (d *backupsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_backups"
}

func (d *backupsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := listingAttributes(ctx)
	attrs["backups"] = schema.ListNestedAttribute{
		Computed: true,
		MarkdownDescription: "The backups found, each exactly once, in the order the API returned them. " +
			"A field the API returns as null or leaves out is null here.",
		NestedObject: schema.NestedAttributeObject{Attributes: backupAttributes()},
	}
	attrs["volume_keys"] = schema.MapAttribute{
		Computed: true, Sensitive: true, ElementType: types.StringType,
		MarkdownDescription: "The encryption keys (`VK` of `service_metadata`) of encrypted volumes, by backup id, with " +
			"`include_volume_keys = true`; null otherwise. They are one sensitive map beside `backups` rather than a " +
			"sensitive attribute of each backup, because Terraform's cost of sensitive values inside a list grows with the " +
			"square of their number.",
	}
	attrs["include_volume_keys"] = includeVolumeKeysAttribute("volume_keys")
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists volume backups (`GET /v2/{project_id}/backups/detail` on Huawei Cloud VBS, " +
			"`/v3/{project_id}/backups/detail` on OpenStack Cinder), walking every page, with each backup's " +
			"`service_metadata` and `description` parsed. To read only ids, use `vbs_backup_ids`, which is far cheaper " +
			"for many backups.",
		Attributes: attrs,
	}
}

func (d *backupsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.clients = clientFrom(req, resp)
}

// Read is the framework's read of vbs_backups. The provider's protocol server answers this data
// source itself, on the fast path in fastread.go, through the same readBackups and newBackupModel,
// because the framework's handling of a large state costs far more than the read (DESIGN.md, "The
// two read paths"); this Read serves binaries built with -tags vbs_framework_read and is what
// fastread_test.go holds the fast path to.
func (d *backupsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m backupsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.Backups = []backupModel{}
	if !readBackups(ctx, d.clients, req.Config, &m, &resp.Diagnostics, func(page []vbs.Backup) error {
		for i := range page {
			m.Backups = append(m.Backups, newBackupModel(&page[i]))
		}
		return nil
	}) {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
