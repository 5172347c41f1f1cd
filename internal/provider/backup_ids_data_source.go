package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbs"
)

var (
	_ datasource.DataSource              = (*backupIDsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*backupIDsDataSource)(nil)
)

// NewBackupIDsDataSource is the constructor of the vbs_backup_ids data source.
func NewBackupIDsDataSource() datasource.DataSource { return &backupIDsDataSource{} }

type backupIDsDataSource struct {
	clients *clients
}

func (d *backupIDsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_backup_ids"
}

func (d *backupIDsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the ids of volume backups, with the same arguments and page walk as `vbs_backups`. " +
			"Terraform's time and memory grow with every backup object a data source returns, and an id costs a small " +
			"fraction of a whole backup, so a plan that needs only the ids of many backups should read them here.",
		Attributes: listingAttributes(ctx),
	}
}

func (d *backupIDsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.clients = clientFrom(req, resp)
}

func (d *backupIDsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m listingModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var res *vbs.IDsResult
	args := runRead(ctx, d.clients, req.Config, "", &resp.Diagnostics, func(ctx context.Context, client *vbs.Client, args *readArguments) (*vbs.WalkSummary, error) {
		var err error
		if res, err = client.SelectBackupIDs(ctx, args.opts); err != nil {
			return nil, err
		}
		return &res.WalkSummary, nil
	})
	if args == nil {
		return
	}
	m.setResult(args.stableID(), res.IDs, res.TotalCount)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
