package auth

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestValidate_configErrorsNameArguments(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.pem")
	ks := Config{AuthURL: "http://127.0.0.1:1/v3"}
	with := func(base Config, f func(*Config)) Config { f(&base); return base }

	cases := []struct {
		name  string
		cfg   Config
		attrs []string
	}{
		{"access_key with password", Config{AccessKey: "AK", SecretKey: secretKey, ProjectID: "p", Region: "r", Password: secretPassword}, []string{"access_key", "secret_key", "password"}},
		{"access_key with token", Config{AccessKey: "AK", SecretKey: secretKey, ProjectID: "p", Region: "r", Token: secretToken}, []string{"access_key", "secret_key", "token"}},
		{"access_key with application credential", Config{AccessKey: "AK", SecretKey: secretKey, ProjectID: "p", Region: "r", ApplicationCredentialID: "ac-1", ApplicationCredentialSecret: secretAppCred}, []string{"access_key", "secret_key", "application_credential_id", "application_credential_secret"}},
		{"access_key with cloud", Config{AccessKey: "AK", SecretKey: secretKey, ProjectID: "p", Region: "r", Cloud: "c"}, []string{"access_key", "secret_key", "cloud"}},
		{"password with token", with(ks, func(c *Config) { c.UserID = "u"; c.Password = secretPassword; c.Token = secretToken }), []string{"password", "token"}},
		{"password with application credential", with(ks, func(c *Config) {
			c.UserID = "u"
			c.Password = secretPassword
			c.ApplicationCredentialID = "ac-1"
			c.ApplicationCredentialSecret = secretAppCred
		}), []string{"password", "application_credential_id", "application_credential_secret"}},
		{"secret_key without access_key", Config{SecretKey: secretKey, ProjectID: "p", Region: "r"}, []string{"secret_key", "access_key"}},
		{"access_key without secret_key", Config{AccessKey: "AK", ProjectID: "p", Region: "r"}, []string{"access_key", "secret_key"}},
		{"security_token without access_key", with(ks, func(c *Config) { c.SecurityToken = secretSTSToken; c.Token = secretToken }), []string{"security_token", "access_key"}},
		{"AK/SK without project_id", Config{AccessKey: "AK", SecretKey: secretKey, Region: "r"}, []string{"access_key", "project_id"}},
		{"AK/SK without region or endpoint", Config{AccessKey: "AK", SecretKey: secretKey, ProjectID: "p"}, []string{"access_key", "region", "endpoint"}},
		{"application_credential_secret alone", with(ks, func(c *Config) { c.ApplicationCredentialSecret = secretAppCred }), []string{"application_credential_secret", "application_credential_id", "application_credential_name"}},
		{"application_credential_id without secret", with(ks, func(c *Config) { c.ApplicationCredentialID = "ac-1" }), []string{"application_credential_id", "application_credential_secret"}},
		{"application_credential_name without user", with(ks, func(c *Config) {
			c.ApplicationCredentialName = "ci"
			c.ApplicationCredentialSecret = secretAppCred
		}), []string{"application_credential_name", "user_id", "user_name"}},
		{"api_version", with(ks, func(c *Config) { c.Token = secretToken; c.APIVersion = "v1" }), []string{"api_version"}},
		{"api_version against endpoint", Config{Token: secretToken, Endpoint: "http://127.0.0.1:1/v3/p", APIVersion: "v2"}, []string{"api_version", "endpoint"}},
		{"endpoint_type", with(ks, func(c *Config) { c.Token = secretToken; c.EndpointType = "private" }), []string{"endpoint_type"}},
		{"endpoint not a URL", Config{Token: secretToken, Endpoint: "127.0.0.1:8776/v3"}, []string{"endpoint"}},
		{"cacert_file unreadable", with(ks, func(c *Config) { c.Token = secretToken; c.CACertFile = missing }), []string{"cacert_file"}},
		{"cacert_file not PEM", with(ks, func(c *Config) { c.Token = secretToken; c.CACertFile = notPEM }), []string{"cacert_file"}},
		{"cert without key", with(ks, func(c *Config) { c.Token = secretToken; c.Cert = notPEM }), []string{"cert", "key"}},
		{"key without cert", with(ks, func(c *Config) { c.Token = secretToken; c.Key = notPEM }), []string{"key", "cert"}},
		{"cert unreadable", with(ks, func(c *Config) { c.Token = secretToken; c.Cert = missing; c.Key = notPEM }), []string{"cert"}},
		{"key unreadable", with(ks, func(c *Config) { c.Token = secretToken; c.Cert = notPEM; c.Key = missing }), []string{"key"}},
		{"cert and key not a pair", with(ks, func(c *Config) { c.Token = secretToken; c.Cert = notPEM; c.Key = notPEM }), []string{"cert", "key"}},
		{"max_retries negative", with(ks, func(c *Config) { c.Token = secretToken; c.MaxRetries = int64p(-1) }), []string{"max_retries"}},
		{"nothing at all", Config{}, []string{"auth_url", "cloud", "access_key", "token", "endpoint"}},
		{"token without endpoint or auth_url", Config{Token: secretToken}, []string{"auth_url", "cloud", "access_key", "token", "endpoint"}},
		{"auth_url without credentials", ks, []string{"auth_url", "password", "token", "application_credential_id"}},
		{"password without user", with(ks, func(c *Config) { c.Password = secretPassword }), []string{"password", "user_name", "user_id"}},
		{"user_name and user_id", with(ks, func(c *Config) {
			c.Password = secretPassword
			c.UserName = "alice"
			c.UserID = "u"
		}), []string{"user_name", "user_id"}},
		{"user_name without domain", with(ks, func(c *Config) { c.Password = secretPassword; c.UserName = "alice" }), []string{"user_name", "user_domain_name", "user_domain_id"}},
		{"project_name without domain", with(ks, func(c *Config) { c.Password = secretPassword; c.UserID = "u"; c.ProjectName = "demo" }), []string{"project_name", "project_domain_name", "project_domain_id"}},
		{"project_name and project_id", with(ks, func(c *Config) {
			c.Password = secretPassword
			c.UserID = "u"
			c.ProjectName = "demo"
			c.ProjectID = "p"
			c.ProjectDomainID = "default"
		}), []string{"project_name", "project_id"}},
		{"{project_id} without project", Config{Token: secretToken, Endpoint: "http://127.0.0.1:1/v2/{project_id}"}, []string{"endpoint", "project_id"}},
		{"{region} without region", Config{AccessKey: "AK", SecretKey: secretKey, ProjectID: "p", Endpoint: "https://vbs.{region}.example/v2/{project_id}"}, []string{"endpoint", "region"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := c.cfg
			cfg.WrapTransport = noDial(t)
			_, err := NewServiceClient(context.Background(), cfg)
			if err == nil {
				t.Fatal("no error")
			}
			errs := ConfigErrors(err)
			if !slices.ContainsFunc(errs, func(e *ConfigError) bool { return slices.Equal(e.Attributes, c.attrs) }) {
				t.Fatalf("no ConfigError naming %v in %v", c.attrs, describeErrs(errs, err))
			}
			assertNoSecret(t, "error", err.Error())
		})
	}
}

func describeErrs(errs []*ConfigError, err error) string {
	if len(errs) == 0 {
		return "non-config error: " + err.Error()
	}
	var b strings.Builder
	for _, e := range errs {
		b.WriteString("\n  " + strings.Join(e.Attributes, ",") + ": " + e.Error())
	}
	return b.String()
}

func TestValidate_allConfigErrorsReportedAtOnce(t *testing.T) {
	cfg := Config{AccessKey: "AK", APIVersion: "v9", EndpointType: "private", WrapTransport: noDial(t)}
	_, err := NewServiceClient(context.Background(), cfg)
	got := map[string]bool{}
	for _, e := range ConfigErrors(err) {
		got[e.Attributes[0]] = true
	}
	for _, attr := range []string{"access_key", "api_version", "endpoint_type"} {
		if !got[attr] {
			t.Errorf("no error for %s in %v", attr, err)
		}
	}
}

func TestValidate_validConfigsPassValidation(t *testing.T) {
	for name, cfg := range map[string]Config{
		"cloud with a password argument":               {Cloud: "c", Password: secretPassword},
		"token with endpoint and leftover openrc user": {Token: secretToken, Endpoint: "http://127.0.0.1/v3/p", UserName: "alice"},
		"password by user id and project id":           {AuthURL: "http://127.0.0.1/v3", UserID: "u", Password: secretPassword, ProjectID: "p"},
		"password by name with OS_DEFAULT_DOMAIN":      {AuthURL: "http://127.0.0.1/v3", UserName: "alice", Password: secretPassword, ProjectName: "demo", DefaultDomain: "default"},
		"application credential by name and user id":   {AuthURL: "http://127.0.0.1/v3", ApplicationCredentialName: "ci", UserID: "u", ApplicationCredentialSecret: secretAppCred},
		"AK/SK with endpoint and no region":            {AccessKey: "AK", SecretKey: secretKey, ProjectID: "p", Endpoint: "http://127.0.0.1/v2/p"},
		"old-style endpoint type":                      {Token: secretToken, Endpoint: "http://127.0.0.1/v3/p", EndpointType: "internalURL"},
	} {
		if errs := cfg.problems(); len(errs) > 0 {
			t.Errorf("%s: %v", name, describeErrs(errs, nil))
		}
	}
}
