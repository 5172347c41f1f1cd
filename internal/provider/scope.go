package provider

// Region, project and admin scope: the arguments region, project_id, all_projects and tenant_id of
// every data source, and the clients of one provider configuration by region and project.

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/auth"
	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbs"
)

// scopeModel is the region and project of one read; null means the provider's own.
type scopeModel struct {
	Region    types.String `tfsdk:"region"`
	ProjectID types.String `tfsdk:"project_id"`
}

// scope is the connection's Scope of the arguments.
func (s scopeModel) scope() auth.Scope {
	return auth.Scope{Region: s.Region.ValueString(), ProjectID: s.ProjectID.ValueString()}
}

// where names the scope in an error.
func (s scopeModel) where() string {
	region, project := "the provider's region", "the provider's project"
	if !s.Region.IsNull() {
		region = fmt.Sprintf("region %q", s.Region.ValueString())
	}
	if !s.ProjectID.IsNull() {
		project = fmt.Sprintf("project %q", s.ProjectID.ValueString())
	}
	return region + ", " + project
}

// scopeAttributes is the schema of scopeModel, on every data source.
func scopeAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"region": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Read in this region instead of the provider's `region`. With Keystone, the service catalog's " +
				"endpoint of this region, reached with the provider's own token; with `endpoint`, and with AK/SK (whose default " +
				"endpoint is `" + auth.DefaultHuaweiEndpoint + "`), `{region}` of the endpoint. An endpoint without `{region}` " +
				"serves only the region it names, and another one is an error, as is a region the catalog has no backup API in.",
			Validators: nonEmpty,
		},
		"project_id": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Read this project instead of the provider's. With `endpoint`, `{project_id}` of the endpoint " +
				"(a `token` must be valid for that project); with AK/SK, also the project the requests are signed for: the keys " +
				"belong to the account and sign for any of its projects. With Keystone, a token scoped " +
				"to this project, made from the provider's password or token once per run (the user needs a role in the project). " +
				"An application credential is bound to its own project: with one, another project is an error naming both, " +
				"before any request. Clients are made once per region and project and shared by every data source of the run; " +
				"a region or project that no data source reads costs no request.",
			Validators: nonEmpty,
		},
	}
}

// allProjectsAttribute lists every project's backups.
func allProjectsAttribute() schema.Attribute {
	return schema.BoolAttribute{
		Optional: true,
		MarkdownDescription: "List the backups of every project (Cinder's `all_tenants=1`), which Cinder allows administrators " +
			"only. A 403 is an error saying that this argument needs an admin role; so is Cinder's default policy, which instead " +
			"ignores `all_tenants` for anyone else and lists their own project, with no backup's project shown (the provider " +
			"tells that from microversion 3.18 on, where an administrator sees each backup's `tenant_id`, by one more request " +
			"for one backup where the answer is empty), and from 3.33 " +
			"refuses `tenant_id`'s `project_id` with a 400. The Huawei Cloud VBS " +
			"API document has no such parameter: the provider sends it all the same, but what VBS answers is undocumented; " +
			"where it ignores it, the listing is the endpoint's own project. Read each project with `project_id` there instead.",
	}
}

// tenantIDDescription describes tenant_id as a filter.
const tenantIDDescription = "Only backups of this project, by the project each backup names (`tenant_id`: " +
	"`os-bak-tenant-attr:tenant_id` on Huawei Cloud VBS, `os-backup-project-attr:project_id` on Cinder, which fills it from " +
	"microversion 3.18 and for administrators only). With `all_projects`, sent as Cinder's administrator filter `project_id`, " +
	"and re-checked on every backup like the API's other filters; without it, checked by the provider alone, on a listing " +
	"that holds one project (`project_id`'s), so that another project matches nothing. Where the server does not say each " +
	"backup's project (Cinder below 3.18, or to a user who is not an administrator), this is an error, not an empty result."

// clients are the backup API clients of one provider configuration, by region and project: the
// connection builds each scope's service once and shares it; a vbs.Client over it holds nothing
// else, so each read wraps the service in its own.
type clients struct {
	conn *auth.Connection
}

// forScope returns the client of the read's region and project, the provider's own where both
// are null; what it cannot serve becomes an error on the argument responsible, and a warning
// about its endpoint a warning of the read. It returns nil with an error in diags.
func (c *clients) forScope(ctx context.Context, s scopeModel, diags *diag.Diagnostics) *vbs.Client {
	if c == nil { // Configure reported why already, or Terraform read before configuring
		diags.AddError("Unconfigured VBS provider", "The provider was not configured before this read. This is a bug in Terraform or the provider; please report it.")
		return nil
	}
	svc, warnings, err := c.conn.Service(ctx, s.scope())
	for _, w := range warnings {
		diags.AddWarning(w.Summary, w.Detail)
	}
	var se *auth.ScopeError
	switch {
	case errors.As(err, &se):
		attr := "region"
		if se.Part == auth.ScopeProject {
			attr = "project_id"
		}
		diags.AddAttributeError(path.Root(attr), se.Summary, se.Detail)
		return nil
	case err != nil:
		diags.AddError("Unable to reach the VBS API", s.where()+": "+err.Error())
		return nil
	}
	client := vbs.NewClient(svc.Client, vbs.API{Version: svc.APIVersion, Microversion: svc.Microversion})
	client.Log = debugLog
	return client
}

// clientFrom takes the clients that the provider's Configure handed over to a data source.
func clientFrom(req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) *clients {
	return clientsFrom(req.ProviderData, &resp.Diagnostics)
}

// clientsFrom takes the clients from the provider data of any Configure (data source, ephemeral
// resource): nil before ConfigureProvider has run, as during validation, and nil with an error
// where the provider has no authentication at all.
func clientsFrom(data any, diags *diag.Diagnostics) *clients {
	if data == nil {
		return nil
	}
	if ce, ok := data.(*auth.ConfigError); ok { // no authentication: see vbsProvider.Configure
		diags.AddError(ce.Summary, ce.Detail)
		return nil
	}
	c, ok := data.(*clients)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *clients, got %T. This is a bug in the provider; please report it.", data))
	}
	return c
}
