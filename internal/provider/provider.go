// Package provider maps Terraform configuration onto the backup API client; it holds no API logic.
package provider

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/auth"
	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbs"
)

var (
	_ provider.Provider                       = (*vbsProvider)(nil)
	_ provider.ProviderWithFunctions          = (*vbsProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*vbsProvider)(nil)
)

type vbsProvider struct {
	version string
	// clients are the ones Configure made, kept for the fast read path, which answers outside the framework.
	clients *clients
	// unconfigured is why Configure made no client when it was given no authentication at all.
	unconfigured *auth.ConfigError

	// backoff, configureTimeout and wrapTransport replace auth's defaults where set (see option).
	backoff          *auth.Backoff
	configureTimeout time.Duration
	wrapTransport    func(http.RoundTripper) http.RoundTripper
}

// option changes what a provider's connections use instead of auth's defaults: tests make retries
// take milliseconds, a server that never answers fail in seconds, and requests for a host name
// reach a loopback simulator.
type option func(*vbsProvider)

// withRetryBackoff replaces auth.DefaultBackoff.
func withRetryBackoff(b *auth.Backoff) option { return func(p *vbsProvider) { p.backoff = b } }

// withConfigureTimeout replaces auth.DefaultConfigureTimeout.
func withConfigureTimeout(d time.Duration) option {
	return func(p *vbsProvider) { p.configureTimeout = d }
}

// withTransport wraps the HTTP transport below request logging.
func withTransport(wrap func(http.RoundTripper) http.RoundTripper) option {
	return func(p *vbsProvider) { p.wrapTransport = wrap }
}

func newProvider(version string, opts ...option) *vbsProvider {
	p := &vbsProvider{version: version}
	for _, o := range opts {
		o(p)
	}
	return p
}

func (p *vbsProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "vbs"
	resp.Version = p.version
}

func (p *vbsProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	attrs := map[string]schema.Attribute{}
	var envOnly []string
	for _, s := range auth.Settings() {
		if s.Name == "" {
			envOnly = append(envOnly, envNames(s.Env)+", "+settingDescription(s))
			continue
		}
		attrs[s.Name] = settingAttribute(s)
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The `vbs` provider reads volume backups from Huawei Cloud VBS " +
			"(`GET /v2/{project_id}/backups/detail`) and from any OpenStack Cinder (`/v3`). " +
			"Every argument is optional and falls back to the environment variables named with it. " +
			"Also read, without an argument: " + strings.Join(envOnly, "; ") + ".",
		Attributes: attrs,
	}
}

// settingAttribute is the schema attribute of a provider setting: every argument is optional, and
// its description names the variables it falls back to.
func settingAttribute(s auth.Setting) schema.Attribute {
	desc := settingDescription(s)
	if len(s.Env) > 0 {
		desc += " Environment: " + envNames(s.Env) + "."
	}
	switch s.Kind() {
	case auth.Bool:
		return schema.BoolAttribute{Optional: true, Sensitive: s.Sensitive, MarkdownDescription: desc}
	case auth.Count:
		return schema.Int64Attribute{Optional: true, Sensitive: s.Sensitive, MarkdownDescription: desc,
			Validators: []validator.Int64{int64validator.AtLeast(0)}}
	}
	a := schema.StringAttribute{Optional: true, Sensitive: s.Sensitive, MarkdownDescription: desc}
	if s.Values != nil {
		a.Validators = []validator.String{stringvalidator.OneOf(s.Values...)}
	}
	return a
}

// envNames reads "`A`, `B`".
func envNames(env []string) string {
	quoted := make([]string, len(env))
	for i, e := range env {
		quoted[i] = "`" + e + "`"
	}
	return strings.Join(quoted, ", ")
}

func (p *vbsProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	cfg, unknown, diags := readSettings(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if unknown != "" {
		resp.Diagnostics.AddAttributeError(path.Root(unknown), "Unknown provider argument",
			fmt.Sprintf("The provider cannot be configured while %q is unknown: set it to a value known at plan time, "+
				"or set it through its environment variable.", unknown))
		return
	}
	cfg.ApplyEnvironment(os.LookupEnv)
	cfg.UserAgent = fmt.Sprintf("terraform-provider-vbs/%s terraform/%s", p.version, req.TerraformVersion)
	cfg.Log = debugLog
	cfg.WrapTransport = newLoggingTransport
	if wrap := p.wrapTransport; wrap != nil {
		cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper { return newLoggingTransport(wrap(rt)) }
	}
	cfg.Backoff = p.backoff
	cfg.ConfigureTimeout = p.configureTimeout

	conn, err := auth.Connect(ctx, cfg)
	if err != nil {
		if ces := auth.ConfigErrors(err); len(ces) == 1 && ces[0].NoAuthentication() {
			// OpenTofu configures a provider to call its functions, which need no authentication: the
			// error waits for the first data source read.
			p.unconfigured = ces[0]
			resp.DataSourceData = ces[0]
			resp.EphemeralResourceData = ces[0]
			return
		}
		if ces := auth.ConfigErrors(err); len(ces) > 0 {
			for _, ce := range ces {
				attr := p.diagnosticAttribute(ctx, ce.Attributes)
				if attr == "" {
					resp.Diagnostics.AddError(ce.Summary, ce.Detail)
					continue
				}
				resp.Diagnostics.AddAttributeError(path.Root(attr), ce.Summary, ce.Detail)
			}
			return
		}
		resp.Diagnostics.AddError("Unable to configure the VBS client", err.Error())
		return
	}
	for _, w := range conn.Warnings {
		if attr := p.diagnosticAttribute(ctx, w.Attributes); attr != "" {
			resp.Diagnostics.AddAttributeWarning(path.Root(attr), w.Summary, w.Detail)
			continue
		}
		resp.Diagnostics.AddWarning(w.Summary, w.Detail)
	}
	sc := conn.ServiceClient
	tflog.Debug(ctx, "configured the backup API client", map[string]any{"endpoint": vbs.RedactURL(sc.Endpoint), "microversion": sc.Microversion})
	p.clients = &clients{conn: conn}
	resp.DataSourceData = p.clients
	resp.EphemeralResourceData = p.clients
}

// diagnosticAttribute is the first of attrs that is not sensitive, or "": Terraform quotes the
// configuration line of a diagnostic's attribute, which would show a secret written in HCL.
func (p *vbsProvider) diagnosticAttribute(ctx context.Context, attrs []string) string {
	var s provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &s)
	for _, a := range attrs {
		if at, ok := s.Schema.Attributes[a]; ok && !at.IsSensitive() {
			return a
		}
	}
	return ""
}

// readSettings copies the provider block into auth.Config, setting by setting; it names the first
// unknown argument, if any.
func readSettings(ctx context.Context, config tfsdk.Config) (auth.Config, string, diag.Diagnostics) {
	var cfg auth.Config
	var diags diag.Diagnostics
	unknown := ""
	for _, s := range auth.Settings() {
		if s.Name == "" {
			continue
		}
		var v attr.Value
		switch s.Kind() {
		case auth.Bool:
			var b types.Bool
			diags.Append(config.GetAttribute(ctx, path.Root(s.Name), &b)...)
			s.SetBool(&cfg, b.ValueBoolPointer())
			v = b
		case auth.Count:
			var n types.Int64
			diags.Append(config.GetAttribute(ctx, path.Root(s.Name), &n)...)
			s.SetCount(&cfg, n.ValueInt64Pointer())
			v = n
		default:
			var str types.String
			diags.Append(config.GetAttribute(ctx, path.Root(s.Name), &str)...)
			s.SetString(&cfg, str.ValueString())
			v = str
		}
		if v.IsUnknown() && unknown == "" {
			unknown = s.Name
		}
	}
	return cfg, unknown, diags
}

func (p *vbsProvider) Resources(context.Context) []func() resource.Resource { return nil }

func (p *vbsProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewBackupsDataSource, NewBackupIDsDataSource, NewBackupDataSource}
}

// EphemeralResources read values that must reach neither a plan nor the state.
func (p *vbsProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{NewBackupVolumeKeyEphemeralResource}
}

// Functions are pure: they parse the text they are given and need no configured provider.
func (p *vbsProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{NewServiceMetadataParseFunction, NewDescriptionParseFunction}
}
