package auth

import (
	"os"
	"strconv"
)

// setting ties one string field of Config to its provider argument and environment fallbacks.
type setting struct {
	attr string // provider argument; empty for settings that only come from the environment
	ptr  *string
	env  []string // first set variable wins
}

// settings lists every string field with its SPEC fallbacks.
//
// OS_DOMAIN_NAME and OS_DOMAIN_ID feed domain_name and domain_id, the generic domain that
// stands in for user_domain_* and project_domain_* (as in openstacksdk) and only scopes the
// token to the domain when no project is given. OS_DEFAULT_DOMAIN is not a provider argument:
// it is a domain ID used last, for a user or project named without any domain, as
// python-openstackclient does; without it such a name is a configuration error, not a guess.
func (c *Config) settings() []setting {
	return []setting{
		{"cloud", &c.Cloud, []string{"OS_CLOUD"}},
		{"auth_url", &c.AuthURL, []string{"OS_AUTH_URL", "HW_AUTH_URL"}},
		{"region", &c.Region, []string{"OS_REGION_NAME", "HW_REGION_NAME"}},
		{"user_name", &c.UserName, []string{"OS_USERNAME"}},
		{"user_id", &c.UserID, []string{"OS_USER_ID"}},
		{"password", &c.Password, []string{"OS_PASSWORD"}},
		{"user_domain_name", &c.UserDomainName, []string{"OS_USER_DOMAIN_NAME"}},
		{"user_domain_id", &c.UserDomainID, []string{"OS_USER_DOMAIN_ID"}},
		{"project_domain_name", &c.ProjectDomainName, []string{"OS_PROJECT_DOMAIN_NAME"}},
		{"project_domain_id", &c.ProjectDomainID, []string{"OS_PROJECT_DOMAIN_ID"}},
		{"domain_name", &c.DomainName, []string{"OS_DOMAIN_NAME"}},
		{"domain_id", &c.DomainID, []string{"OS_DOMAIN_ID"}},
		{"project_id", &c.ProjectID, []string{"OS_PROJECT_ID", "HW_PROJECT_ID"}},
		{"project_name", &c.ProjectName, []string{"OS_PROJECT_NAME"}},
		{"token", &c.Token, []string{"OS_TOKEN", "OS_AUTH_TOKEN", "HW_AUTH_TOKEN"}},
		{"application_credential_id", &c.ApplicationCredentialID, []string{"OS_APPLICATION_CREDENTIAL_ID"}},
		{"application_credential_name", &c.ApplicationCredentialName, []string{"OS_APPLICATION_CREDENTIAL_NAME"}},
		{"application_credential_secret", &c.ApplicationCredentialSecret, []string{"OS_APPLICATION_CREDENTIAL_SECRET"}},
		{"access_key", &c.AccessKey, []string{"HW_ACCESS_KEY"}},
		{"secret_key", &c.SecretKey, []string{"HW_SECRET_KEY"}},
		{"security_token", &c.SecurityToken, []string{"HW_SECURITY_TOKEN"}},
		{"endpoint", &c.Endpoint, []string{"VBS_ENDPOINT"}},
		{"endpoint_type", &c.EndpointType, []string{"OS_INTERFACE"}},
		{"cacert_file", &c.CACertFile, []string{"OS_CACERT"}},
		{"cert", &c.Cert, []string{"OS_CERT"}},
		{"key", &c.Key, []string{"OS_KEY"}},
		{"", &c.CloudsFile, []string{"OS_CLIENT_CONFIG_FILE"}},
		{"", &c.DefaultDomain, []string{"OS_DEFAULT_DOMAIN"}},
	}
}

// ApplyEnvironment fills every unset field from its environment fallbacks (nil lookup means
// os.LookupEnv). An explicit setting always wins, and an empty variable counts as unset so that
// an exported but blank OS_TOKEN does not hide HW_AUTH_TOKEN.
func (c *Config) ApplyEnvironment(lookup func(string) (string, bool)) {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	for _, s := range c.settings() {
		if *s.ptr != "" {
			continue
		}
		if name, value, ok := firstSet(lookup, s.env); ok {
			*s.ptr = value
			c.noteSource(s.attr, name)
		}
	}
	c.applyInsecureEnvironment(lookup)
}

// applyInsecureEnvironment defers a malformed OS_INSECURE to NewServiceClient, which can
// report it as a ConfigError, rather than silently verifying or not verifying certificates.
func (c *Config) applyInsecureEnvironment(lookup func(string) (string, bool)) {
	if c.Insecure != nil {
		return
	}
	name, value, ok := firstSet(lookup, []string{"OS_INSECURE"})
	if !ok {
		return
	}
	b, err := strconv.ParseBool(value)
	if err != nil {
		c.envErrors = append(c.envErrors, &ConfigError{
			Attributes: []string{"insecure"},
			Summary:    "Invalid " + name,
			Detail:     name + " must be true or false, got " + strconv.Quote(value) + ".",
		})
		return
	}
	c.Insecure = &b
	c.noteSource("insecure", name)
}

func firstSet(lookup func(string) (string, bool), names []string) (name, value string, ok bool) {
	for _, n := range names {
		if v, found := lookup(n); found && v != "" {
			return n, v, true
		}
	}
	return "", "", false
}

func (c *Config) noteSource(attr, env string) {
	if attr == "" {
		return
	}
	if c.sources == nil {
		c.sources = map[string]string{}
	}
	c.sources[attr] = env
}

// describe names an argument for a message, with the variable it came from, never its value.
func (c *Config) describe(attr string) string {
	if env, ok := c.sources[attr]; ok {
		return attr + " (from " + env + ")"
	}
	return attr
}

// isSet reports whether the string argument attr has a value; unknown names are unset.
func (c *Config) isSet(attr string) bool {
	for _, s := range c.settings() {
		if s.attr == attr {
			return *s.ptr != ""
		}
	}
	return false
}
