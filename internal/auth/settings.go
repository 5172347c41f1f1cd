package auth

import (
	"fmt"
	"slices"
	"strings"
)

// Kind is the type of a setting's value.
type Kind int

const (
	// String is text; the empty string means unset.
	String Kind = iota
	// Bool is true or false; nil means unset.
	Bool
	// Count is a whole number, 0 or more; nil means unset.
	Count
)

// Setting is one provider setting: the provider argument, the environment variables it falls
// back to, the line that documents it, and the Config field it fills. Settings is the only list
// of them; the provider's schema, ApplyEnvironment and the tests are all made from it.
type Setting struct {
	// Name is the provider argument; empty for a setting that only the environment gives.
	Name string
	// Env are the variables read when the argument is unset, the first one set winning.
	Env []string
	// Description is a Markdown sentence or two for an argument, to which the provider appends
	// the variables; for a variable without an argument, a noun phrase ("the file to read").
	Description string
	// Sensitive settings are secrets: never logged, never quoted in a diagnostic.
	Sensitive bool
	// Values are the only values a String accepts; nil accepts any.
	Values []string

	str   func(*Config) *string
	flag  func(*Config) **bool
	count func(*Config) **int64
}

// Kind is the type of the setting's value.
func (s Setting) Kind() Kind {
	switch {
	case s.flag != nil:
		return Bool
	case s.count != nil:
		return Count
	}
	return String
}

// SetString stores v in the String field of c that s fills.
func (s Setting) SetString(c *Config, v string) { *s.str(c) = v }

// SetBool stores v in the Bool field of c that s fills.
func (s Setting) SetBool(c *Config, v *bool) { *s.flag(c) = v }

// SetCount stores v in the Count field of c that s fills.
func (s Setting) SetCount(c *Config, v *int64) { *s.count(c) = v }

// EndpointTypes are the catalog interfaces endpoint_type accepts, the default first.
var EndpointTypes = []string{"public", "internal", "admin"}

// APIVersions are the backup API versions api_version accepts.
var APIVersions = []string{"v2", "v3"}

// Settings returns every provider setting: the arguments, then the variables without one.
func Settings() []Setting { return slices.Clone(settings) }

// EnvironmentVariables returns every variable the provider reads, in the order of Settings.
func EnvironmentVariables() []string {
	var names []string
	for _, s := range settings {
		names = append(names, s.Env...)
	}
	return names
}

// settings is the table behind Settings.
//
// OS_DOMAIN_NAME and OS_DOMAIN_ID feed domain_name and domain_id, the generic domain that
// stands in for user_domain_* and project_domain_* (as in openstacksdk) and only scopes the
// token to the domain when no project is given. OS_DEFAULT_DOMAIN is not a provider argument:
// it is a domain ID used last, for a user or project named without any domain, as
// python-openstackclient does; without it such a name is a configuration error, not a guess.
var settings = []Setting{
	{Name: "cloud", Env: []string{"OS_CLOUD"}, str: func(c *Config) *string { return &c.Cloud },
		Description: "Entry of `clouds.yaml` to read the settings from; the other arguments override it."},
	{Name: "auth_url", Env: []string{"OS_AUTH_URL", "HW_AUTH_URL"}, str: func(c *Config) *string { return &c.AuthURL },
		Description: "Keystone (or Huawei IAM) v3 URL."},
	{Name: "region", Env: []string{"OS_REGION_NAME", "HW_REGION_NAME"}, str: func(c *Config) *string { return &c.Region },
		Description: "Region name, used to choose the endpoint in the service catalog and in the AK/SK default endpoint."},
	{Name: "user_name", Env: []string{"OS_USERNAME"}, str: func(c *Config) *string { return &c.UserName },
		Description: "User name for password authentication."},
	{Name: "user_id", Env: []string{"OS_USER_ID"}, str: func(c *Config) *string { return &c.UserID },
		Description: "User id for password authentication."},
	{Name: "password", Env: []string{"OS_PASSWORD"}, Sensitive: true, str: func(c *Config) *string { return &c.Password },
		Description: "Password for password authentication."},
	{Name: "user_domain_name", Env: []string{"OS_USER_DOMAIN_NAME"}, str: func(c *Config) *string { return &c.UserDomainName },
		Description: "Domain name of the user."},
	{Name: "user_domain_id", Env: []string{"OS_USER_DOMAIN_ID"}, str: func(c *Config) *string { return &c.UserDomainID },
		Description: "Domain id of the user."},
	{Name: "project_domain_name", Env: []string{"OS_PROJECT_DOMAIN_NAME"}, str: func(c *Config) *string { return &c.ProjectDomainName },
		Description: "Domain name of the project."},
	{Name: "project_domain_id", Env: []string{"OS_PROJECT_DOMAIN_ID"}, str: func(c *Config) *string { return &c.ProjectDomainID },
		Description: "Domain id of the project."},
	{Name: "domain_name", Env: []string{"OS_DOMAIN_NAME"}, str: func(c *Config) *string { return &c.DomainName },
		Description: "Domain name used for both user and project where they are not set."},
	{Name: "domain_id", Env: []string{"OS_DOMAIN_ID"}, str: func(c *Config) *string { return &c.DomainID },
		Description: "Domain id used for both user and project where they are not set."},
	{Name: "project_id", Env: []string{"OS_PROJECT_ID", "HW_PROJECT_ID"}, str: func(c *Config) *string { return &c.ProjectID },
		Description: "Project id: the scope of Keystone tokens, and required for AK/SK signing."},
	{Name: "project_name", Env: []string{"OS_PROJECT_NAME"}, str: func(c *Config) *string { return &c.ProjectName },
		Description: "Project name, the scope of Keystone tokens."},
	{Name: "token", Env: []string{"OS_TOKEN", "OS_AUTH_TOKEN", "HW_AUTH_TOKEN"}, Sensitive: true, str: func(c *Config) *string { return &c.Token },
		Description: "An existing token, sent as `X-Auth-Token`. With `endpoint` no Keystone call is made " +
			"(this is also how a Cinder with `auth_strategy = noauth` is reached, with a token `user:project_id`)."},
	{Name: "application_credential_id", Env: []string{"OS_APPLICATION_CREDENTIAL_ID"}, str: func(c *Config) *string { return &c.ApplicationCredentialID },
		Description: "Keystone application credential id."},
	{Name: "application_credential_name", Env: []string{"OS_APPLICATION_CREDENTIAL_NAME"}, str: func(c *Config) *string { return &c.ApplicationCredentialName },
		Description: "Keystone application credential name (with `user_name` or `user_id`)."},
	{Name: "application_credential_secret", Env: []string{"OS_APPLICATION_CREDENTIAL_SECRET"}, Sensitive: true, str: func(c *Config) *string { return &c.ApplicationCredentialSecret },
		Description: "Keystone application credential secret."},
	{Name: "access_key", Env: []string{"HW_ACCESS_KEY"}, str: func(c *Config) *string { return &c.AccessKey },
		Description: "Huawei Cloud access key (AK) for SDK-HMAC-SHA256 request signing; no Keystone call is made."},
	{Name: "secret_key", Env: []string{"HW_SECRET_KEY"}, Sensitive: true, str: func(c *Config) *string { return &c.SecretKey },
		Description: "Huawei Cloud secret key (SK) for request signing."},
	{Name: "security_token", Env: []string{"HW_SECURITY_TOKEN"}, Sensitive: true, str: func(c *Config) *string { return &c.SecurityToken },
		Description: "Huawei Cloud security token of temporary AK/SK credentials."},
	{Name: "endpoint", Env: []string{"VBS_ENDPOINT"}, str: func(c *Config) *string { return &c.Endpoint },
		Description: "Base URL of the backup API including version and project, for example " +
			"`https://vbs.cn-north-4.myhuaweicloud.com/v2/{project_id}` or `http://127.0.0.1:8776/v3/{project_id}`; " +
			"`{project_id}` and `{region}` are substituted. Skips the service catalog. With AK/SK it defaults to " +
			"`" + DefaultHuaweiEndpoint + "`."},
	{Name: "endpoint_type", Env: []string{"OS_INTERFACE"}, Values: EndpointTypes, str: func(c *Config) *string { return &c.EndpointType },
		Description: "Interface of the catalog endpoint: " + markdownValues(EndpointTypes, " (default)") + "."},
	{Name: "api_version", Values: APIVersions, str: func(c *Config) *string { return &c.APIVersion },
		Description: "`v2` (Huawei Cloud VBS) or `v3` (OpenStack Cinder). Default: taken from `endpoint`'s path, " +
			"else from the catalog, preferring v3 where both exist."},
	{Name: "insecure", Env: []string{"OS_INSECURE"}, flag: func(c *Config) **bool { return &c.Insecure },
		Description: "Skip verification of the server's TLS certificate."},
	{Name: "cacert_file", Env: []string{"OS_CACERT"}, str: func(c *Config) *string { return &c.CACertFile },
		Description: "PEM file of certificate authorities to trust."},
	{Name: "cert", Env: []string{"OS_CERT"}, str: func(c *Config) *string { return &c.Cert },
		Description: "PEM file of a client certificate for TLS client authentication (with `key`)."},
	{Name: "key", Env: []string{"OS_KEY"}, str: func(c *Config) *string { return &c.Key },
		Description: "PEM file of the client certificate's private key."},
	{Name: "max_retries", count: func(c *Config) **int64 { return &c.MaxRetries },
		Description: "Retries of one request on HTTP " + statusList() + " and on connection resets, " +
			"with exponential backoff that honours `Retry-After`. " +
			fmt.Sprintf("Default `%d`; `0` disables retries.", DefaultMaxRetries)},
	{Env: []string{"OS_CLIENT_CONFIG_FILE"}, str: func(c *Config) *string { return &c.CloudsFile },
		Description: "the `clouds.yaml` file to read instead of looking where the OpenStack CLI looks"},
	{Env: []string{"OS_DEFAULT_DOMAIN"}, str: func(c *Config) *string { return &c.DefaultDomain },
		Description: "the domain id of a user or project named without any domain"},
}

// markdownValues reads "`a`<first>, `b` or `c`".
func markdownValues(values []string, first string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = "`" + v + "`"
	}
	quoted[0] += first
	return orList(quoted)
}

// orList reads "a, b or c".
func orList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// statusList reads "429, 500, 502, 503, 504".
func statusList() string {
	s := make([]string, len(retryStatuses))
	for i, code := range retryStatuses {
		s[i] = fmt.Sprint(code)
	}
	return strings.Join(s, ", ")
}
