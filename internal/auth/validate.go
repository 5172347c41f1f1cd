package auth

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// ConfigErrors returns every ConfigError in err, which Connect joins so that a user
// sees all mistakes at once; the provider turns each into an attribute diagnostic.
func ConfigErrors(err error) []*ConfigError {
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var out []*ConfigError
		for _, e := range joined.Unwrap() {
			out = append(out, ConfigErrors(e)...)
		}
		return out
	}
	var ce *ConfigError
	if errors.As(err, &ce) {
		return []*ConfigError{ce}
	}
	return nil
}

func joinConfigErrors(errs []*ConfigError) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	all := make([]error, len(errs))
	for i, e := range errs {
		all[i] = e
	}
	return errors.Join(all...)
}

// method is the way requests are authenticated: AK/SK first, then a token with an endpoint,
// then Keystone (README.md, Authentication).
type method int

const (
	methodKeystone method = iota
	methodAKSK
	methodTokenEndpoint
)

func (c *Config) method() method {
	switch {
	case c.AccessKey != "" || c.SecretKey != "":
		return methodAKSK
	case c.Token != "" && c.Endpoint != "":
		return methodTokenEndpoint
	}
	return methodKeystone
}

// methodGroup is a set of arguments that selects one authentication method.
type methodGroup struct {
	name  string
	attrs []string
}

var methodGroups = []methodGroup{
	{"AK/SK signing", []string{"access_key", "secret_key", "security_token"}},
	{"clouds.yaml", []string{"cloud"}},
	{"password authentication", []string{"password"}},
	{"token authentication", []string{"token"}},
	{"application credential authentication", []string{"application_credential_id", "application_credential_name", "application_credential_secret"}},
}

// problems runs every check that needs no network and returns all that fail.
func (c *Config) problems() []*ConfigError {
	errs := append([]*ConfigError(nil), c.envErrors...)
	checks := []func() *ConfigError{
		c.checkExclusiveMethods,
		c.checkAKSKPair,
		c.checkAKSKProject,
		c.checkAKSKEndpoint,
		c.checkAppCredSecret,
		c.checkAppCredNeedsSecret,
		c.checkAppCredUser,
		c.checkAPIVersion,
		c.checkEndpointType,
		c.checkEndpointURL,
		c.checkEndpointVersion,
		c.checkMaxRetries,
		c.checkKeystoneReachable,
		c.checkKeystoneCredentials,
		c.checkPasswordUser,
		c.checkUserNameOrID,
		c.checkUserDomain,
		c.checkProjectNameOrID,
		c.checkProjectDomain,
	}
	for _, check := range checks {
		if e := check(); e != nil {
			errs = append(errs, e)
		}
	}
	return errs
}

func (c *Config) setAttrs(attrs []string) []string {
	var set []string
	for _, a := range attrs {
		if c.isSet(a) {
			set = append(set, a)
		}
	}
	return set
}

func (c *Config) describeAll(attrs []string) string {
	described := make([]string, len(attrs))
	for i, a := range attrs {
		described[i] = c.describe(a)
	}
	return strings.Join(described, ", ")
}

// checkExclusiveMethods refuses two methods at once; clouds.yaml is only a source of settings,
// so provider arguments may override its credentials, but it has nothing to do with AK/SK.
func (c *Config) checkExclusiveMethods() *ConfigError {
	for i, a := range methodGroups {
		setA := c.setAttrs(a.attrs)
		for _, b := range methodGroups[i+1:] {
			setB := c.setAttrs(b.attrs)
			if len(setA) == 0 || len(setB) == 0 || !excludes(a, b) {
				continue
			}
			return &ConfigError{
				Attributes: append(append([]string(nil), setA...), setB...),
				Summary:    "Conflicting authentication methods",
				Detail: fmt.Sprintf("%s selects %s and %s selects %s; they exclude each other, so unset one of them.",
					c.describeAll(setA), a.name, c.describeAll(setB), b.name),
			}
		}
	}
	return nil
}

func excludes(a, b methodGroup) bool {
	isCloud := func(g methodGroup) bool { return g.attrs[0] == "cloud" }
	isAKSK := func(g methodGroup) bool { return g.attrs[0] == "access_key" }
	if isCloud(a) || isCloud(b) {
		return isAKSK(a) || isAKSK(b)
	}
	return true
}

func (c *Config) checkAKSKPair() *ConfigError {
	switch {
	case c.AccessKey == "" && c.SecretKey != "":
		return c.needs("secret_key", "access_key", "AK/SK signing needs the access key that goes with the secret key.")
	case c.AccessKey != "" && c.SecretKey == "":
		return c.needs("access_key", "secret_key", "AK/SK signing needs the secret key of the access key.")
	case c.AccessKey == "" && c.SecurityToken != "":
		return c.needs("security_token", "access_key", "A security token is only used with AK/SK signing (temporary access key, secret key and token).")
	}
	return nil
}

// needs reports that attr is set but requires missing.
func (c *Config) needs(attr, missing, why string) *ConfigError {
	return &ConfigError{
		Attributes: []string{attr, missing},
		Summary:    fmt.Sprintf("Missing %s", missing),
		Detail:     fmt.Sprintf("%s is set but %s is not. %s", c.describe(attr), missing, why),
	}
}

func (c *Config) checkAKSKProject() *ConfigError {
	if c.method() != methodAKSK || c.ProjectID != "" {
		return nil
	}
	return c.needs("access_key", "project_id", "AK/SK signing makes no Keystone call, so the project must be given (HW_PROJECT_ID).")
}

func (c *Config) checkAKSKEndpoint() *ConfigError {
	if c.method() != methodAKSK || c.Endpoint != "" || c.Region != "" {
		return nil
	}
	return &ConfigError{
		Attributes: []string{"access_key", "region", "endpoint"},
		Summary:    "Missing region",
		Detail:     "AK/SK signing without endpoint uses " + DefaultHuaweiEndpoint + ", which needs region.",
	}
}

func (c *Config) checkAppCredSecret() *ConfigError {
	if c.ApplicationCredentialSecret == "" || c.ApplicationCredentialID != "" || c.ApplicationCredentialName != "" || c.Cloud != "" {
		return nil
	}
	return &ConfigError{
		Attributes: []string{"application_credential_secret", "application_credential_id", "application_credential_name"},
		Summary:    "Missing application credential",
		Detail:     c.describe("application_credential_secret") + " is set without application_credential_id or application_credential_name.",
	}
}

func (c *Config) checkAppCredNeedsSecret() *ConfigError {
	if c.ApplicationCredentialSecret != "" || c.Cloud != "" {
		return nil
	}
	for _, attr := range []string{"application_credential_id", "application_credential_name"} {
		if c.isSet(attr) {
			return c.needs(attr, "application_credential_secret", "An application credential authenticates with its secret.")
		}
	}
	return nil
}

func (c *Config) checkAppCredUser() *ConfigError {
	if c.ApplicationCredentialName == "" || c.ApplicationCredentialID != "" || c.UserID != "" || c.UserName != "" || c.Cloud != "" {
		return nil
	}
	return &ConfigError{
		Attributes: []string{"application_credential_name", "user_id", "user_name"},
		Summary:    "Missing user",
		Detail:     "An application credential given by name belongs to a user: set user_id, or user_name with its domain, or use application_credential_id.",
	}
}

func (c *Config) checkAPIVersion() *ConfigError {
	if c.APIVersion == "" || slices.Contains(APIVersions, c.APIVersion) {
		return nil
	}
	return c.invalidValue("api_version", c.APIVersion, orList(APIVersions))
}

// endpointTypes maps endpoint_type values onto catalog interfaces: each of EndpointTypes, the
// keystone v2 style name ("publicURL") that old openrc files still export in OS_INTERFACE, and
// "" for the default.
var endpointTypes = func() map[string]string {
	m := map[string]string{"": EndpointTypes[0]}
	for _, t := range EndpointTypes {
		m[t], m[t+"URL"] = t, t
	}
	return m
}()

func (c *Config) checkEndpointType() *ConfigError {
	if _, ok := endpointTypes[c.EndpointType]; ok {
		return nil
	}
	return c.invalidValue("endpoint_type", c.EndpointType, orList(EndpointTypes))
}

func (c *Config) invalidValue(attr, value, allowed string) *ConfigError {
	return &ConfigError{
		Attributes: []string{attr},
		Summary:    "Invalid " + attr,
		Detail:     fmt.Sprintf("%s must be %s, got %q.", c.describe(attr), allowed, value),
	}
}

func (c *Config) checkEndpointURL() *ConfigError {
	if c.Endpoint == "" {
		return nil
	}
	// Placeholders are not valid in a host name; any stand-in will do to check the rest.
	u, err := url.Parse(strings.NewReplacer("{project_id}", "p", "{region}", "r").Replace(c.Endpoint))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &ConfigError{
			Attributes: []string{"endpoint"},
			Summary:    "Invalid endpoint",
			Detail:     c.describe("endpoint") + " must be an http or https URL such as " + DefaultHuaweiEndpoint + ".",
		}
	}
	return nil
}

func (c *Config) checkEndpointVersion() *ConfigError {
	if c.Endpoint == "" || c.APIVersion == "" {
		return nil
	}
	if v := pathVersion(c.Endpoint); v != "" && v != c.APIVersion {
		return &ConfigError{
			Attributes: []string{"api_version", "endpoint"},
			Summary:    "api_version contradicts endpoint",
			Detail:     fmt.Sprintf("api_version is %s but %s has %s in its path.", c.APIVersion, c.describe("endpoint"), v),
		}
	}
	return nil
}

func (c *Config) checkMaxRetries() *ConfigError {
	if c.MaxRetries == nil || *c.MaxRetries >= 0 {
		return nil
	}
	return c.invalidValue("max_retries", fmt.Sprint(*c.MaxRetries), "0 or more")
}

// keystoneChecks reports whether the Keystone-only checks apply; clouds.yaml may supply
// anything they look for, and gophercloud then reports what is still missing.
func (c *Config) keystoneChecks() bool {
	return c.method() == methodKeystone && c.Cloud == ""
}

// noAuthentication is the summary of the error of a configuration with no way to authenticate.
const noAuthentication = "No authentication configured"

// NoAuthentication reports whether ce says that the configuration has no way to authenticate at
// all, as an empty one: a provider that is only asked to run its functions needs none.
func (ce *ConfigError) NoAuthentication() bool { return ce.Summary == noAuthentication }

func (c *Config) checkKeystoneReachable() *ConfigError {
	if !c.keystoneChecks() || c.AuthURL != "" {
		return nil
	}
	attrs := []string{"auth_url", "cloud", "access_key", "token", "endpoint"}
	if c.Token != "" {
		return &ConfigError{
			Attributes: attrs,
			Summary:    "Missing endpoint or auth_url",
			Detail:     "token is set: add endpoint to use it directly, or auth_url to have Keystone scope it and find the endpoint in the catalog.",
		}
	}
	return &ConfigError{
		Attributes: attrs,
		Summary:    noAuthentication,
		Detail:     "Set access_key and secret_key (AK/SK signing), token with endpoint, cloud (clouds.yaml), or auth_url with Keystone credentials; each also has an environment variable.",
	}
}

func (c *Config) checkKeystoneCredentials() *ConfigError {
	if !c.keystoneChecks() || c.AuthURL == "" || c.Password != "" || c.Token != "" ||
		c.ApplicationCredentialSecret != "" || c.ApplicationCredentialID != "" || c.ApplicationCredentialName != "" {
		return nil
	}
	return &ConfigError{
		Attributes: []string{"auth_url", "password", "token", "application_credential_id"},
		Summary:    "Missing credentials",
		Detail:     c.describe("auth_url") + " is set but there is no password, token or application credential to present to it.",
	}
}

func (c *Config) checkPasswordUser() *ConfigError {
	if !c.keystoneChecks() || c.Password == "" || c.UserName != "" || c.UserID != "" {
		return nil
	}
	return &ConfigError{
		Attributes: []string{"password", "user_name", "user_id"},
		Summary:    "Missing user",
		Detail:     c.describe("password") + " is set without user_name or user_id.",
	}
}

func (c *Config) checkUserNameOrID() *ConfigError {
	if c.method() != methodKeystone || c.UserName == "" || c.UserID == "" {
		return nil
	}
	return c.eitherOr("user_name", "user_id")
}

func (c *Config) checkProjectNameOrID() *ConfigError {
	if c.method() != methodKeystone || c.ProjectName == "" || c.ProjectID == "" {
		return nil
	}
	return c.eitherOr("project_name", "project_id")
}

func (c *Config) eitherOr(a, b string) *ConfigError {
	return &ConfigError{
		Attributes: []string{a, b},
		Summary:    fmt.Sprintf("Both %s and %s are set", a, b),
		Detail:     fmt.Sprintf("%s and %s name the same thing twice; set only one.", c.describe(a), c.describe(b)),
	}
}

// checkUserDomain applies where Keystone needs a user's domain: a user name, given for a
// password or a named application credential.
func (c *Config) checkUserDomain() *ConfigError {
	if !c.keystoneChecks() || c.UserName == "" || c.UserID != "" || c.userDomainSet() ||
		(c.Password == "" && c.ApplicationCredentialName == "") {
		return nil
	}
	return &ConfigError{
		Attributes: []string{"user_name", "user_domain_name", "user_domain_id"},
		Summary:    "Missing user domain",
		Detail:     c.describe("user_name") + " needs its domain: set user_domain_name or user_domain_id (or domain_name, domain_id, OS_DEFAULT_DOMAIN).",
	}
}

func (c *Config) checkProjectDomain() *ConfigError {
	if !c.keystoneChecks() || c.ProjectName == "" || c.ProjectID != "" || c.projectDomainSet() ||
		c.ApplicationCredentialID != "" || c.ApplicationCredentialName != "" {
		return nil
	}
	return &ConfigError{
		Attributes: []string{"project_name", "project_domain_name", "project_domain_id"},
		Summary:    "Missing project domain",
		Detail:     c.describe("project_name") + " needs its domain: set project_domain_name or project_domain_id (or domain_name, domain_id, OS_DEFAULT_DOMAIN).",
	}
}

func (c *Config) userDomainSet() bool {
	return slices.ContainsFunc([]string{c.UserDomainID, c.UserDomainName, c.DomainID, c.DomainName, c.DefaultDomain}, nonEmpty)
}

func (c *Config) projectDomainSet() bool {
	return slices.ContainsFunc([]string{c.ProjectDomainID, c.ProjectDomainName, c.DomainID, c.DomainName, c.DefaultDomain}, nonEmpty)
}

func nonEmpty(s string) bool { return s != "" }
