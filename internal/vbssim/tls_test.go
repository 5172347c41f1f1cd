package vbssim

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"strings"
	"testing"
)

// tlsClient trusts the CA in caFile and presents the client certificate when withCert is set.
func tlsClient(t *testing.T, files TLSFiles, trust, withCert bool) *http.Client {
	t.Helper()
	cfg := &tls.Config{}
	if trust {
		pem, err := os.ReadFile(files.CACert)
		if err != nil {
			t.Fatal(err)
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			t.Fatal("CA file holds no certificate")
		}
	}
	if withCert {
		cert, err := tls.LoadX509KeyPair(files.ClientCert, files.ClientKey)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg, DisableKeepAlives: true}}
}

func tlsGet(c *http.Client, target string) (int, error) {
	req, _ := http.NewRequest(http.MethodGet, target, nil)
	req.Header.Set("X-Auth-Token", DefaultToken)
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

func TestTLS_withTheGeneratedCA(t *testing.T) {
	s := NewTest(t, Config{TLS: true, Backups: Generate(2, 1, DefaultProjectID)})
	files := s.TLSFiles()
	if !strings.HasPrefix(s.URL(), "https://127.0.0.1:") || !strings.HasPrefix(s.KeystoneURL(), "https://") {
		t.Fatalf("URL %s", s.URL())
	}
	target := s.Endpoint("v3", "") + "/backups/detail"
	if st, err := tlsGet(tlsClient(t, files, true, false), target); err != nil || st != http.StatusOK {
		t.Fatalf("trusting the CA: %d %v", st, err)
	}
	if _, err := tlsGet(tlsClient(t, files, false, false), target); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("without the CA: %v", err)
	}
	// Requests through the host name still verify: the certificate names localhost too.
	if st, err := tlsGet(tlsClient(t, files, true, false), strings.Replace(target, "127.0.0.1", "localhost", 1)); err != nil || st != http.StatusOK {
		t.Fatalf("via localhost: %d %v", st, err)
	}
	// Links the simulator writes use the scheme it is served with.
	if r := do(t, tlsClient(t, files, true, false), http.MethodGet, s.URL()+"/v3/", nil); !strings.Contains(string(r.body), `"href":"https://127.0.0.1:`) {
		t.Fatalf("version document %s", r.body)
	}
}

func TestTLS_clientCertificates(t *testing.T) {
	s := NewTest(t, Config{TLS: true, RequireClientCert: true})
	target := s.Endpoint("v3", "") + "/backups/detail"
	if _, err := tlsGet(tlsClient(t, s.TLSFiles(), true, false), target); err == nil {
		t.Fatal("a client without a certificate was served")
	}
	if st, err := tlsGet(tlsClient(t, s.TLSFiles(), true, true), target); err != nil || st != http.StatusOK {
		t.Fatalf("with the client certificate: %d %v", st, err)
	}
}

func TestTLS_faultsCanDropConnections(t *testing.T) {
	s := NewTest(t, Config{TLS: true})
	s.Inject(Fault{Reset: true})
	if _, err := tlsGet(tlsClient(t, s.TLSFiles(), true, false), s.Endpoint("v3", "")+"/backups/detail"); err == nil {
		t.Fatal("the reset connection answered")
	}
}

func TestTLS_temporaryCertDirIsRemovedOnClose(t *testing.T) {
	s := New(Config{TLS: true})
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	ca := s.TLSFiles().CACert
	if _, err := os.Stat(ca); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := os.Stat(ca); !os.IsNotExist(err) {
		t.Fatalf("CA file left behind: %v", err)
	}
}
