package auth

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

func lookupFrom(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}
}

func TestApplyEnvironment_precedence(t *testing.T) {
	cases := []struct {
		name     string
		explicit Config
		env      map[string]string
		field    func(*Config) string
		want     string
	}{
		{"OS_AUTH_URL before HW_AUTH_URL", Config{}, map[string]string{"OS_AUTH_URL": "os", "HW_AUTH_URL": "hw"}, func(c *Config) string { return c.AuthURL }, "os"},
		{"HW_AUTH_URL alone", Config{}, map[string]string{"HW_AUTH_URL": "hw"}, func(c *Config) string { return c.AuthURL }, "hw"},
		{"explicit auth_url wins", Config{AuthURL: "arg"}, map[string]string{"OS_AUTH_URL": "os", "HW_AUTH_URL": "hw"}, func(c *Config) string { return c.AuthURL }, "arg"},
		{"OS_REGION_NAME before HW_REGION_NAME", Config{}, map[string]string{"OS_REGION_NAME": "os", "HW_REGION_NAME": "hw"}, func(c *Config) string { return c.Region }, "os"},
		{"HW_REGION_NAME alone", Config{}, map[string]string{"HW_REGION_NAME": "hw"}, func(c *Config) string { return c.Region }, "hw"},
		{"OS_PROJECT_ID before HW_PROJECT_ID", Config{}, map[string]string{"OS_PROJECT_ID": "os", "HW_PROJECT_ID": "hw"}, func(c *Config) string { return c.ProjectID }, "os"},
		{"HW_PROJECT_ID alone", Config{}, map[string]string{"HW_PROJECT_ID": "hw"}, func(c *Config) string { return c.ProjectID }, "hw"},
		{"OS_TOKEN first", Config{}, map[string]string{"OS_TOKEN": "a", "OS_AUTH_TOKEN": "b", "HW_AUTH_TOKEN": "c"}, func(c *Config) string { return c.Token }, "a"},
		{"OS_AUTH_TOKEN second", Config{}, map[string]string{"OS_AUTH_TOKEN": "b", "HW_AUTH_TOKEN": "c"}, func(c *Config) string { return c.Token }, "b"},
		{"HW_AUTH_TOKEN last", Config{}, map[string]string{"HW_AUTH_TOKEN": "c"}, func(c *Config) string { return c.Token }, "c"},
		{"blank OS_TOKEN is unset", Config{}, map[string]string{"OS_TOKEN": "", "HW_AUTH_TOKEN": "c"}, func(c *Config) string { return c.Token }, "c"},
		{"explicit token wins", Config{Token: "arg"}, map[string]string{"OS_TOKEN": "a"}, func(c *Config) string { return c.Token }, "arg"},
		{"OS_DOMAIN_NAME is domain_name", Config{}, map[string]string{"OS_DOMAIN_NAME": "d"}, func(c *Config) string { return c.DomainName }, "d"},
		{"OS_DOMAIN_ID is domain_id", Config{}, map[string]string{"OS_DOMAIN_ID": "d"}, func(c *Config) string { return c.DomainID }, "d"},
		{"OS_DEFAULT_DOMAIN is only the default", Config{}, map[string]string{"OS_DEFAULT_DOMAIN": "dd"}, func(c *Config) string { return c.DefaultDomain + "|" + c.DomainID }, "dd|"},
		{"OS_CLIENT_CONFIG_FILE", Config{}, map[string]string{"OS_CLIENT_CONFIG_FILE": "/x/clouds.yaml"}, func(c *Config) string { return c.CloudsFile }, "/x/clouds.yaml"},
		{"OS_INTERFACE", Config{}, map[string]string{"OS_INTERFACE": "internal"}, func(c *Config) string { return c.EndpointType }, "internal"},
		{"VBS_ENDPOINT", Config{}, map[string]string{"VBS_ENDPOINT": "http://127.0.0.1/v3/p"}, func(c *Config) string { return c.Endpoint }, "http://127.0.0.1/v3/p"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := c.explicit
			cfg.ApplyEnvironment(lookupFrom(c.env))
			if got := c.field(&cfg); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

// TestApplyEnvironment_coversEveryVariable drives each variable the provider reads, alone, into
// the field it belongs to. The fields are written out here rather than taken from Settings, so
// that a setting pointing at the wrong field fails; and the variables here must be exactly
// EnvironmentVariables, so that a variable added to Settings gets a check of its own.
func TestApplyEnvironment_coversEveryVariable(t *testing.T) {
	want := map[string]func(*Config) string{
		"OS_CLOUD":                         func(c *Config) string { return c.Cloud },
		"OS_AUTH_URL":                      func(c *Config) string { return c.AuthURL },
		"HW_AUTH_URL":                      func(c *Config) string { return c.AuthURL },
		"OS_REGION_NAME":                   func(c *Config) string { return c.Region },
		"HW_REGION_NAME":                   func(c *Config) string { return c.Region },
		"OS_USERNAME":                      func(c *Config) string { return c.UserName },
		"OS_USER_ID":                       func(c *Config) string { return c.UserID },
		"OS_PASSWORD":                      func(c *Config) string { return c.Password },
		"OS_USER_DOMAIN_NAME":              func(c *Config) string { return c.UserDomainName },
		"OS_USER_DOMAIN_ID":                func(c *Config) string { return c.UserDomainID },
		"OS_PROJECT_DOMAIN_NAME":           func(c *Config) string { return c.ProjectDomainName },
		"OS_PROJECT_DOMAIN_ID":             func(c *Config) string { return c.ProjectDomainID },
		"OS_DOMAIN_NAME":                   func(c *Config) string { return c.DomainName },
		"OS_DOMAIN_ID":                     func(c *Config) string { return c.DomainID },
		"OS_PROJECT_ID":                    func(c *Config) string { return c.ProjectID },
		"HW_PROJECT_ID":                    func(c *Config) string { return c.ProjectID },
		"OS_PROJECT_NAME":                  func(c *Config) string { return c.ProjectName },
		"OS_TOKEN":                         func(c *Config) string { return c.Token },
		"OS_AUTH_TOKEN":                    func(c *Config) string { return c.Token },
		"HW_AUTH_TOKEN":                    func(c *Config) string { return c.Token },
		"OS_APPLICATION_CREDENTIAL_ID":     func(c *Config) string { return c.ApplicationCredentialID },
		"OS_APPLICATION_CREDENTIAL_NAME":   func(c *Config) string { return c.ApplicationCredentialName },
		"OS_APPLICATION_CREDENTIAL_SECRET": func(c *Config) string { return c.ApplicationCredentialSecret },
		"HW_ACCESS_KEY":                    func(c *Config) string { return c.AccessKey },
		"HW_SECRET_KEY":                    func(c *Config) string { return c.SecretKey },
		"HW_SECURITY_TOKEN":                func(c *Config) string { return c.SecurityToken },
		"VBS_ENDPOINT":                     func(c *Config) string { return c.Endpoint },
		"OS_INTERFACE":                     func(c *Config) string { return c.EndpointType },
		"OS_INSECURE":                      func(c *Config) string { return fmt.Sprint(*c.Insecure) },
		"OS_CACERT":                        func(c *Config) string { return c.CACertFile },
		"OS_CERT":                          func(c *Config) string { return c.Cert },
		"OS_KEY":                           func(c *Config) string { return c.Key },
		"OS_CLIENT_CONFIG_FILE":            func(c *Config) string { return c.CloudsFile },
		"OS_DEFAULT_DOMAIN":                func(c *Config) string { return c.DefaultDomain },
	}
	read := EnvironmentVariables()
	if got, doc := slices.Sorted(maps.Keys(want)), slices.Sorted(slices.Values(read)); !slices.Equal(got, doc) {
		t.Fatalf("variables read %v, checked here %v", doc, got)
	}
	for name, field := range want {
		value := "v-" + name
		if name == "OS_INSECURE" {
			value = "true"
		}
		var cfg Config
		cfg.ApplyEnvironment(lookupFrom(map[string]string{name: value}))
		if cfg.Insecure == nil && name == "OS_INSECURE" {
			t.Fatalf("OS_INSECURE left insecure unset")
		}
		if got := field(&cfg); got != value {
			t.Errorf("%s: field = %q", name, got)
		}
	}
}

func TestApplyEnvironment_insecure(t *testing.T) {
	var cfg Config
	cfg.ApplyEnvironment(lookupFrom(map[string]string{"OS_INSECURE": "true"}))
	if cfg.Insecure == nil || !*cfg.Insecure {
		t.Errorf("OS_INSECURE=true gave %v", cfg.Insecure)
	}
	explicit := Config{Insecure: boolp(false)}
	explicit.ApplyEnvironment(lookupFrom(map[string]string{"OS_INSECURE": "true"}))
	if *explicit.Insecure {
		t.Error("OS_INSECURE overrode an explicit insecure = false")
	}
}

func TestApplyEnvironment_malformedInsecureIsAConfigError(t *testing.T) {
	cfg := Config{Token: "t", Endpoint: "http://127.0.0.1:1/v2/p", WrapTransport: noDial(t)}
	cfg.ApplyEnvironment(lookupFrom(map[string]string{"OS_INSECURE": "maybe"}))
	_, err := NewServiceClient(context.Background(), cfg)
	errs := ConfigErrors(err)
	if len(errs) != 1 || errs[0].Attributes[0] != "insecure" || !strings.Contains(errs[0].Detail, "OS_INSECURE") {
		t.Fatalf("got %v", err)
	}
}

func TestApplyEnvironment_conflictNamesTheVariable(t *testing.T) {
	cfg := Config{AccessKey: "AK", SecretKey: secretKey, ProjectID: "p", Region: "r", WrapTransport: noDial(t)}
	cfg.ApplyEnvironment(lookupFrom(map[string]string{"OS_PASSWORD": secretPassword}))
	_, err := NewServiceClient(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "password (from OS_PASSWORD)") {
		t.Fatalf("error should say where password came from: %v", err)
	}
	assertNoSecret(t, "error", err.Error())
}
