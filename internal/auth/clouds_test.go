package auth

import (
	"context"
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeCloudsYAML(t *testing.T, authURL, password, extra string) string {
	t.Helper()
	return writeCloudsYAMLDomain(t, authURL, password, "Default", extra)
}

func writeCloudsYAMLDomain(t *testing.T, authURL, password, domain, extra string) string {
	t.Helper()
	body := `clouds:
  mycloud:
    auth:
      auth_url: ` + authURL + `
      username: alice
      password: ` + password + `
      project_name: ` + testProjectName + `
      user_domain_name: ` + domain + `
      project_domain_name: ` + domain + `
    region_name: RegionTwo
    interface: public
` + extra
	path := filepath.Join(t.TempDir(), "clouds.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCloudsYAML_entries(t *testing.T) {
	cinder := newCinderStub(t)
	k := newKeystoneStub(t, volumeCatalog(cinder.URL))
	good := writeCloudsYAML(t, k.authURL(), secretPassword, "")
	stale := writeCloudsYAML(t, k.authURL(), "stale-password-in-file", "")
	elsewhere := writeCloudsYAMLDomain(t, k.authURL(), secretPassword, "Elsewhere", "")
	cases := []struct {
		name     string
		cfg      Config
		env      map[string]string
		wantPath string
	}{
		{"from OS_CLOUD and OS_CLIENT_CONFIG_FILE", Config{}, map[string]string{"OS_CLOUD": "mycloud", "OS_CLIENT_CONFIG_FILE": good}, "/r2-public/v3/"},
		{"region argument overrides region_name", Config{Cloud: "mycloud", CloudsFile: good, Region: "RegionOne"}, nil, "/r1-public/v3/"},
		{"endpoint_type argument overrides interface", Config{Cloud: "mycloud", CloudsFile: good, Region: "RegionOne", EndpointType: "internal"}, nil, "/r1-internal/v3/"},
		{"password argument overrides the file's", Config{Cloud: "mycloud", CloudsFile: stale, Password: secretPassword}, nil, "/r2-public/v3/"},
		{"domain arguments override the file's", Config{Cloud: "mycloud", CloudsFile: elsewhere, UserDomainName: "Default", ProjectDomainID: "default"}, nil, "/r2-public/v3/"},
		{"domain_name overrides both of the file's", Config{Cloud: "mycloud", CloudsFile: elsewhere, DomainName: "Default"}, nil, "/r2-public/v3/"},
		{"token argument replaces the file's password", Config{Cloud: "mycloud", CloudsFile: stale, Token: secretToken, ProjectID: testProjectID}, nil, "/r2-public/v3/"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := c.cfg
			cfg.ApplyEnvironment(lookupFrom(c.env))
			sc, err := NewServiceClient(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if want := cinder.URL + c.wantPath + testProjectID + "/"; sc.Endpoint != want {
				t.Errorf("Endpoint %q, want %q", sc.Endpoint, want)
			}
		})
	}
	t.Run("the file's stale password fails", func(t *testing.T) {
		_, err := NewServiceClient(context.Background(), Config{Cloud: "mycloud", CloudsFile: stale})
		if err == nil || !strings.Contains(err.Error(), "401") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("unknown cloud", func(t *testing.T) {
		_, err := NewServiceClient(context.Background(), Config{Cloud: "nope", CloudsFile: good})
		if ce := ConfigErrors(err); len(ce) != 1 || ce[0].Attributes[0] != "cloud" {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestCloudsYAML_tls serves Keystone over TLS: the entry's verify and cacert are honoured and an
// insecure argument overrides verify.
func TestCloudsYAML_tls(t *testing.T) {
	cinder := newCinderStub(t)
	server := newSelfSigned(t, "keystone", x509.ExtKeyUsageServerAuth)
	k := &keystoneStub{catalog: volumeCatalog(cinder.URL)}
	srv := newTLSServer(t, k, server, nil)
	k.Server = srv
	cases := []struct {
		name     string
		extra    string
		insecure *bool
		wantErr  string
	}{
		{"verify false", "    verify: false\n", nil, ""},
		{"cacert", "    cacert: " + server.certFile + "\n", nil, ""},
		{"neither", "", nil, "certificate"},
		{"insecure argument overrides verify", "    verify: false\n", boolp(false), "certificate"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeCloudsYAML(t, srv.URL+"/v3", secretPassword, c.extra)
			_, err := NewServiceClient(context.Background(), Config{Cloud: "mycloud", CloudsFile: path, Insecure: c.insecure})
			checkErr(t, err, c.wantErr)
		})
	}
}
