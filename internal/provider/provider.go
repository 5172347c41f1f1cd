// Package provider maps Terraform configuration onto the backup API client; it holds no API logic.
package provider

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/auth"
	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbs"
)

var (
	_ provider.Provider              = (*vbsProvider)(nil)
	_ provider.ProviderWithFunctions = (*vbsProvider)(nil)
)

// retryBackoff replaces auth.DefaultBackoff when set; only tests set it, so that retries take milliseconds.
var retryBackoff *auth.Backoff

// configureTimeout replaces auth.DefaultConfigureTimeout when set; only tests set it, so that a
// server that never answers fails a test in seconds, not minutes.
var configureTimeout time.Duration

// testTransport, when set, wraps the HTTP transport below request logging; only tests set it, to
// send requests for a non-loopback host name to a loopback simulator instead.
var testTransport func(http.RoundTripper) http.RoundTripper

// New returns a constructor of the provider, as providerserver expects.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &vbsProvider{version: version} }
}

type vbsProvider struct {
	version string
	// client is the one Configure made, kept for the fast read path, which answers outside the framework.
	client *vbs.Client
	// unconfigured is why Configure made no client when it was given no authentication at all.
	unconfigured *auth.ConfigError
}

// vbsProviderModel holds the provider block; every argument is optional and falls back to the environment.
type vbsProviderModel struct {
	Cloud                       types.String `tfsdk:"cloud"`
	AuthURL                     types.String `tfsdk:"auth_url"`
	Region                      types.String `tfsdk:"region"`
	UserName                    types.String `tfsdk:"user_name"`
	UserID                      types.String `tfsdk:"user_id"`
	Password                    types.String `tfsdk:"password"`
	UserDomainName              types.String `tfsdk:"user_domain_name"`
	UserDomainID                types.String `tfsdk:"user_domain_id"`
	ProjectDomainName           types.String `tfsdk:"project_domain_name"`
	ProjectDomainID             types.String `tfsdk:"project_domain_id"`
	DomainName                  types.String `tfsdk:"domain_name"`
	DomainID                    types.String `tfsdk:"domain_id"`
	ProjectID                   types.String `tfsdk:"project_id"`
	ProjectName                 types.String `tfsdk:"project_name"`
	Token                       types.String `tfsdk:"token"`
	ApplicationCredentialID     types.String `tfsdk:"application_credential_id"`
	ApplicationCredentialName   types.String `tfsdk:"application_credential_name"`
	ApplicationCredentialSecret types.String `tfsdk:"application_credential_secret"`
	AccessKey                   types.String `tfsdk:"access_key"`
	SecretKey                   types.String `tfsdk:"secret_key"`
	SecurityToken               types.String `tfsdk:"security_token"`
	Endpoint                    types.String `tfsdk:"endpoint"`
	EndpointType                types.String `tfsdk:"endpoint_type"`
	APIVersion                  types.String `tfsdk:"api_version"`
	Insecure                    types.Bool   `tfsdk:"insecure"`
	CACertFile                  types.String `tfsdk:"cacert_file"`
	Cert                        types.String `tfsdk:"cert"`
	Key                         types.String `tfsdk:"key"`
	MaxRetries                  types.Int64  `tfsdk:"max_retries"`
}

func (p *vbsProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "vbs"
	resp.Version = p.version
}

func (p *vbsProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	str := func(desc string, env ...string) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, MarkdownDescription: desc + envNote(env)}
	}
	secret := func(desc string, env ...string) schema.StringAttribute {
		a := str(desc, env...)
		a.Sensitive = true
		return a
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The `vbs` provider reads volume backups from Huawei Cloud VBS " +
			"(`GET /v2/{project_id}/backups/detail`) and from any OpenStack Cinder (`/v3`). " +
			"Every argument is optional and falls back to the environment variables named with it.",
		Attributes: map[string]schema.Attribute{
			"cloud":               str("Entry of `clouds.yaml` to read the settings from; the other arguments override it.", "OS_CLOUD"),
			"auth_url":            str("Keystone (or Huawei IAM) v3 URL.", "OS_AUTH_URL", "HW_AUTH_URL"),
			"region":              str("Region name, used to choose the endpoint in the service catalog and in the AK/SK default endpoint.", "OS_REGION_NAME", "HW_REGION_NAME"),
			"user_name":           str("User name for password authentication.", "OS_USERNAME"),
			"user_id":             str("User id for password authentication.", "OS_USER_ID"),
			"password":            secret("Password for password authentication.", "OS_PASSWORD"),
			"user_domain_name":    str("Domain name of the user.", "OS_USER_DOMAIN_NAME"),
			"user_domain_id":      str("Domain id of the user.", "OS_USER_DOMAIN_ID"),
			"project_domain_name": str("Domain name of the project.", "OS_PROJECT_DOMAIN_NAME"),
			"project_domain_id":   str("Domain id of the project.", "OS_PROJECT_DOMAIN_ID"),
			"domain_name":         str("Domain name used for both user and project where they are not set.", "OS_DOMAIN_NAME"),
			"domain_id":           str("Domain id used for both user and project where they are not set.", "OS_DOMAIN_ID"),
			"project_id":          str("Project id: the scope of Keystone tokens, and required for AK/SK signing.", "OS_PROJECT_ID", "HW_PROJECT_ID"),
			"project_name":        str("Project name, the scope of Keystone tokens.", "OS_PROJECT_NAME"),
			"token": secret("An existing token, sent as `X-Auth-Token`. With `endpoint` no Keystone call is made "+
				"(this is also how a Cinder with `auth_strategy = noauth` is reached, with a token `user:project_id`).",
				"OS_TOKEN", "OS_AUTH_TOKEN", "HW_AUTH_TOKEN"),
			"application_credential_id":     str("Keystone application credential id.", "OS_APPLICATION_CREDENTIAL_ID"),
			"application_credential_name":   str("Keystone application credential name (with `user_name` or `user_id`).", "OS_APPLICATION_CREDENTIAL_NAME"),
			"application_credential_secret": secret("Keystone application credential secret.", "OS_APPLICATION_CREDENTIAL_SECRET"),
			"access_key":                    str("Huawei Cloud access key (AK) for SDK-HMAC-SHA256 request signing; no Keystone call is made.", "HW_ACCESS_KEY"),
			"secret_key":                    secret("Huawei Cloud secret key (SK) for request signing.", "HW_SECRET_KEY"),
			"security_token":                secret("Huawei Cloud security token of temporary AK/SK credentials.", "HW_SECURITY_TOKEN"),
			"endpoint": str("Base URL of the backup API including version and project, for example "+
				"`https://vbs.cn-north-4.myhuaweicloud.com/v2/{project_id}` or `http://127.0.0.1:8776/v3/{project_id}`; "+
				"`{project_id}` and `{region}` are substituted. Skips the service catalog. With AK/SK it defaults to "+
				"`https://vbs.{region}.myhuaweicloud.com/v2/{project_id}`.", "VBS_ENDPOINT"),
			"endpoint_type": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Interface of the catalog endpoint: `public` (default), `internal` or `admin`." + envNote([]string{"OS_INTERFACE"}),
				Validators:          []validator.String{stringvalidator.OneOf("public", "internal", "admin")},
			},
			"api_version": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "`v2` (Huawei Cloud VBS) or `v3` (OpenStack Cinder). Default: taken from `endpoint`'s path, " +
					"else from the catalog, preferring v3 where both exist.",
				Validators: []validator.String{stringvalidator.OneOf("v2", "v3")},
			},
			"insecure": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Skip verification of the server's TLS certificate." + envNote([]string{"OS_INSECURE"}),
			},
			"cacert_file": str("PEM file of certificate authorities to trust.", "OS_CACERT"),
			"cert":        str("PEM file of a client certificate for TLS client authentication (with `key`).", "OS_CERT"),
			"key":         str("PEM file of the client certificate's private key.", "OS_KEY"),
			"max_retries": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Retries of one request on HTTP 429, 500, 502, 503, 504 and on connection resets, " +
					"with exponential backoff that honours `Retry-After`. Default `5`; `0` disables retries.",
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
		},
	}
}

func envNote(env []string) string {
	if len(env) == 0 {
		return ""
	}
	s := " Environment: "
	for i, e := range env {
		if i > 0 {
			s += ", "
		}
		s += "`" + e + "`"
	}
	return s + "."
}

func (p *vbsProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m vbsProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg, unknown := m.authConfig()
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
	if testTransport != nil {
		cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper { return newLoggingTransport(testTransport(rt)) }
	}
	cfg.Backoff = retryBackoff
	cfg.ConfigureTimeout = configureTimeout

	conn, err := auth.Connect(ctx, cfg)
	if err != nil {
		if ces := auth.ConfigErrors(err); len(ces) == 1 && ces[0].NoAuthentication() {
			// OpenTofu configures a provider to call its functions, which need no authentication: the
			// error waits for the first data source read.
			p.unconfigured = ces[0]
			resp.DataSourceData = ces[0]
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
	client := vbs.NewClient(sc)
	client.Log = debugLog
	p.client = client
	resp.DataSourceData = client
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

// authConfig copies the provider block into auth.Config; it names the first unknown argument, if any.
func (m vbsProviderModel) authConfig() (auth.Config, string) {
	var cfg auth.Config
	unknown := ""
	strs := []struct {
		name string
		v    types.String
		dst  *string
	}{
		{"cloud", m.Cloud, &cfg.Cloud},
		{"auth_url", m.AuthURL, &cfg.AuthURL},
		{"region", m.Region, &cfg.Region},
		{"user_name", m.UserName, &cfg.UserName},
		{"user_id", m.UserID, &cfg.UserID},
		{"password", m.Password, &cfg.Password},
		{"user_domain_name", m.UserDomainName, &cfg.UserDomainName},
		{"user_domain_id", m.UserDomainID, &cfg.UserDomainID},
		{"project_domain_name", m.ProjectDomainName, &cfg.ProjectDomainName},
		{"project_domain_id", m.ProjectDomainID, &cfg.ProjectDomainID},
		{"domain_name", m.DomainName, &cfg.DomainName},
		{"domain_id", m.DomainID, &cfg.DomainID},
		{"project_id", m.ProjectID, &cfg.ProjectID},
		{"project_name", m.ProjectName, &cfg.ProjectName},
		{"token", m.Token, &cfg.Token},
		{"application_credential_id", m.ApplicationCredentialID, &cfg.ApplicationCredentialID},
		{"application_credential_name", m.ApplicationCredentialName, &cfg.ApplicationCredentialName},
		{"application_credential_secret", m.ApplicationCredentialSecret, &cfg.ApplicationCredentialSecret},
		{"access_key", m.AccessKey, &cfg.AccessKey},
		{"secret_key", m.SecretKey, &cfg.SecretKey},
		{"security_token", m.SecurityToken, &cfg.SecurityToken},
		{"endpoint", m.Endpoint, &cfg.Endpoint},
		{"endpoint_type", m.EndpointType, &cfg.EndpointType},
		{"api_version", m.APIVersion, &cfg.APIVersion},
		{"cacert_file", m.CACertFile, &cfg.CACertFile},
		{"cert", m.Cert, &cfg.Cert},
		{"key", m.Key, &cfg.Key},
	}
	for _, s := range strs {
		if s.v.IsUnknown() && unknown == "" {
			unknown = s.name
		}
		*s.dst = s.v.ValueString()
	}
	switch {
	case m.Insecure.IsUnknown():
		unknown = firstNonEmpty(unknown, "insecure")
	case !m.Insecure.IsNull():
		cfg.Insecure = m.Insecure.ValueBoolPointer()
	}
	switch {
	case m.MaxRetries.IsUnknown():
		unknown = firstNonEmpty(unknown, "max_retries")
	case !m.MaxRetries.IsNull():
		cfg.MaxRetries = m.MaxRetries.ValueInt64Pointer()
	}
	return cfg, unknown
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (p *vbsProvider) Resources(context.Context) []func() resource.Resource { return nil }

func (p *vbsProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewBackupsDataSource, NewBackupIDsDataSource}
}

// Functions are pure: they parse the text they are given and need no configured provider.
func (p *vbsProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{NewServiceMetadataParseFunction, NewDescriptionParseFunction}
}
