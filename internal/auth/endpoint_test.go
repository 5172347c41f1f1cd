package auth

import (
	"context"
	"testing"
)

// TestEndpoint_akskTemplates compares strings only: a v2 endpoint needs no microversion
// discovery, and noDial fails the test if anything is sent.
func TestEndpoint_akskTemplates(t *testing.T) {
	cases := []struct {
		name     string
		endpoint string
		region   string
		want     string
	}{
		{"default", "", "cn-north-4", "https://vbs.cn-north-4.myhuaweicloud.com/v2/" + testProjectID + "/"},
		{"default other region", "", "ap-southeast-1", "https://vbs.ap-southeast-1.myhuaweicloud.com/v2/" + testProjectID + "/"},
		{"custom template", "https://vbs.{region}.example.com/v2/{project_id}", "eu-west-0", "https://vbs.eu-west-0.example.com/v2/" + testProjectID + "/"},
		{"literal endpoint", "https://vbs.example.com/v2/" + testProjectID + "/", "", "https://vbs.example.com/v2/" + testProjectID + "/"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := Config{AccessKey: "AK", SecretKey: secretKey, ProjectID: testProjectID, Region: c.region, Endpoint: c.endpoint, WrapTransport: noDial(t)}
			sc, err := NewServiceClient(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if sc.Endpoint != c.want || sc.ResourceBaseURL() != c.want {
				t.Errorf("Endpoint %q, ResourceBase %q, want %q", sc.Endpoint, sc.ResourceBase, c.want)
			}
			if sc.Microversion != "" {
				t.Errorf("v2 got microversion %q", sc.Microversion)
			}
		})
	}
}

func TestEndpoint_pathVersion(t *testing.T) {
	for in, want := range map[string]string{
		"http://127.0.0.1:8776/v3/p":           "v3",
		"https://vbs.x.com/v2/{project_id}":    "v2",
		"http://127.0.0.1/volume/v3.0/p/":      "v3",
		"http://127.0.0.1:8776/":               "",
		"http://127.0.0.1/vbs/backups/v2x/abc": "",
	} {
		if got := pathVersion(in); got != want {
			t.Errorf("pathVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEndpoint_complete(t *testing.T) {
	cases := []struct{ raw, version, project, want string }{
		{"http://127.0.0.1:8776/v3/p", "v3", "p", "http://127.0.0.1:8776/v3/p/"},
		{"http://127.0.0.1:8776/v3/", "v3", "p", "http://127.0.0.1:8776/v3/p/"},
		{"http://127.0.0.1:8776", "v3", "p", "http://127.0.0.1:8776/v3/p/"},
		{"http://127.0.0.1/volume/", "v3", "p", "http://127.0.0.1/volume/v3/p/"},
		{"http://127.0.0.1/volume/v2/p", "v2", "p", "http://127.0.0.1/volume/v2/p/"},
	}
	for _, c := range cases {
		got, err := completeEndpoint(c.raw, c.version, c.project)
		if err != nil || got != c.want {
			t.Errorf("completeEndpoint(%q) = %q, %v; want %q", c.raw, got, err, c.want)
		}
	}
}

func TestEndpoint_catalogVersion(t *testing.T) {
	cases := []struct{ typ, url, want string }{
		{"block-storage", "http://127.0.0.1/v2/p", "v2"},
		{"block-storage", "http://127.0.0.1/", "v3"},
		{"volumev3", "http://127.0.0.1/", "v3"},
		{"volumev2", "http://127.0.0.1/", "v2"},
		{"volume", "http://127.0.0.1/", ""},
		{"volume", "http://127.0.0.1/v3/p", "v3"},
	}
	for _, c := range cases {
		if got := catalogVersion(c.typ, c.url); got != c.want {
			t.Errorf("catalogVersion(%s, %s) = %q, want %q", c.typ, c.url, got, c.want)
		}
	}
}
