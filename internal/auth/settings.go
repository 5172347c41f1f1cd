package auth

import (
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

// Setting is one provider setting: its name, the environment variables it falls back to and the
// Config field it fills. Settings is the only list of them; the provider's schema, ApplyEnvironment
// and the tests are all made from it. The provider documents each setting; this package holds no
// documentation, only the name its configuration errors use to say which setting to change.
type Setting struct {
	// Name is the setting as a user writes it, the provider argument; empty for a setting that only
	// the environment gives.
	Name string
	// Env are the variables read when the argument is unset, the first one set winning.
	Env []string
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
	{Name: "cloud", Env: []string{"OS_CLOUD"}, str: func(c *Config) *string { return &c.Cloud }},
	{Name: "auth_url", Env: []string{"OS_AUTH_URL", "HW_AUTH_URL"}, str: func(c *Config) *string { return &c.AuthURL }},
	{Name: "region", Env: []string{"OS_REGION_NAME", "HW_REGION_NAME"}, str: func(c *Config) *string { return &c.Region }},
	{Name: "user_name", Env: []string{"OS_USERNAME"}, str: func(c *Config) *string { return &c.UserName }},
	{Name: "user_id", Env: []string{"OS_USER_ID"}, str: func(c *Config) *string { return &c.UserID }},
	{Name: "password", Env: []string{"OS_PASSWORD"}, Sensitive: true, str: func(c *Config) *string { return &c.Password }},
	{Name: "user_domain_name", Env: []string{"OS_USER_DOMAIN_NAME"}, str: func(c *Config) *string { return &c.UserDomainName }},
	{Name: "user_domain_id", Env: []string{"OS_USER_DOMAIN_ID"}, str: func(c *Config) *string { return &c.UserDomainID }},
	{Name: "project_domain_name", Env: []string{"OS_PROJECT_DOMAIN_NAME"}, str: func(c *Config) *string { return &c.ProjectDomainName }},
	{Name: "project_domain_id", Env: []string{"OS_PROJECT_DOMAIN_ID"}, str: func(c *Config) *string { return &c.ProjectDomainID }},
	{Name: "domain_name", Env: []string{"OS_DOMAIN_NAME"}, str: func(c *Config) *string { return &c.DomainName }},
	{Name: "domain_id", Env: []string{"OS_DOMAIN_ID"}, str: func(c *Config) *string { return &c.DomainID }},
	{Name: "project_id", Env: []string{"OS_PROJECT_ID", "HW_PROJECT_ID"}, str: func(c *Config) *string { return &c.ProjectID }},
	{Name: "project_name", Env: []string{"OS_PROJECT_NAME"}, str: func(c *Config) *string { return &c.ProjectName }},
	{Name: "token", Env: []string{"OS_TOKEN", "OS_AUTH_TOKEN", "HW_AUTH_TOKEN"}, Sensitive: true, str: func(c *Config) *string { return &c.Token }},
	{Name: "application_credential_id", Env: []string{"OS_APPLICATION_CREDENTIAL_ID"}, str: func(c *Config) *string { return &c.ApplicationCredentialID }},
	{Name: "application_credential_name", Env: []string{"OS_APPLICATION_CREDENTIAL_NAME"}, str: func(c *Config) *string { return &c.ApplicationCredentialName }},
	{Name: "application_credential_secret", Env: []string{"OS_APPLICATION_CREDENTIAL_SECRET"}, Sensitive: true, str: func(c *Config) *string { return &c.ApplicationCredentialSecret }},
	{Name: "access_key", Env: []string{"HW_ACCESS_KEY"}, str: func(c *Config) *string { return &c.AccessKey }},
	{Name: "secret_key", Env: []string{"HW_SECRET_KEY"}, Sensitive: true, str: func(c *Config) *string { return &c.SecretKey }},
	{Name: "security_token", Env: []string{"HW_SECURITY_TOKEN"}, Sensitive: true, str: func(c *Config) *string { return &c.SecurityToken }},
	{Name: "endpoint", Env: []string{"VBS_ENDPOINT"}, str: func(c *Config) *string { return &c.Endpoint }},
	{Name: "endpoint_type", Env: []string{"OS_INTERFACE"}, Values: EndpointTypes, str: func(c *Config) *string { return &c.EndpointType }},
	{Name: "api_version", Values: APIVersions, str: func(c *Config) *string { return &c.APIVersion }},
	{Name: "insecure", Env: []string{"OS_INSECURE"}, flag: func(c *Config) **bool { return &c.Insecure }},
	{Name: "cacert_file", Env: []string{"OS_CACERT"}, str: func(c *Config) *string { return &c.CACertFile }},
	{Name: "cert", Env: []string{"OS_CERT"}, str: func(c *Config) *string { return &c.Cert }},
	{Name: "key", Env: []string{"OS_KEY"}, str: func(c *Config) *string { return &c.Key }},
	{Name: "max_retries", count: func(c *Config) **int64 { return &c.MaxRetries }},
	{Env: []string{"OS_CLIENT_CONFIG_FILE"}, str: func(c *Config) *string { return &c.CloudsFile }},
	{Env: []string{"OS_DEFAULT_DOMAIN"}, str: func(c *Config) *string { return &c.DefaultDomain }},
}

// orList reads "a, b or c".
func orList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}
