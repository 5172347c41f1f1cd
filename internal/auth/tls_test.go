package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// selfSigned is a certificate made in the test, written to PEM files.
type selfSigned struct {
	certFile, keyFile string
	pair              tls.Certificate
	x509              *x509.Certificate
}

func newSelfSigned(t *testing.T, name string, usage x509.ExtKeyUsage) selfSigned {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{usage},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s := selfSigned{certFile: filepath.Join(dir, name+".pem"), keyFile: filepath.Join(dir, name+"-key.pem")}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	if err := os.WriteFile(s.certFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.keyFile, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if s.pair, err = tls.X509KeyPair(certPEM, keyPEM); err != nil {
		t.Fatal(err)
	}
	s.x509, _ = x509.ParseCertificate(der)
	return s
}

// newTLSServer serves h over TLS on 127.0.0.1 with cert, requiring a client certificate
// from clientCA when it is set.
func newTLSServer(t *testing.T, h http.Handler, cert selfSigned, clientCA *x509.Certificate) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert.pair}}
	if clientCA != nil {
		pool := x509.NewCertPool()
		pool.AddCert(clientCA)
		srv.TLS.ClientCAs, srv.TLS.ClientAuth = pool, tls.RequireAndVerifyClientCert
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // failed handshakes are the point of some tests
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func backupsOK(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"backups": []any{}})
}

func TestTLS_serverVerification(t *testing.T) {
	server := newSelfSigned(t, "server", x509.ExtKeyUsageServerAuth)
	srv := newTLSServer(t, http.HandlerFunc(backupsOK), server, nil)
	cases := []struct {
		name     string
		cacert   string
		insecure *bool
		wantErr  string
	}{
		{"cacert_file trusts the server", server.certFile, nil, ""},
		{"insecure skips verification", "", boolp(true), ""},
		{"insecure false with cacert_file", server.certFile, boolp(false), ""},
		{"neither fails", "", nil, "certificate"},
		{"insecure false fails", "", boolp(false), "certificate"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := listBackups(context.Background(), Config{
				Token: secretToken, Endpoint: srv.URL + "/v2/" + testProjectID, CACertFile: c.cacert, Insecure: c.insecure,
			})
			checkErr(t, err, c.wantErr)
		})
	}
}

func TestTLS_clientCertificate(t *testing.T) {
	server := newSelfSigned(t, "server", x509.ExtKeyUsageServerAuth)
	client := newSelfSigned(t, "client", x509.ExtKeyUsageClientAuth)
	srv := newTLSServer(t, http.HandlerFunc(backupsOK), server, client.x509)
	base := Config{Token: secretToken, Endpoint: srv.URL + "/v2/" + testProjectID, CACertFile: server.certFile}

	withCert := base
	withCert.Cert, withCert.Key = client.certFile, client.keyFile
	checkErr(t, listBackups(context.Background(), withCert), "")
	checkErr(t, listBackups(context.Background(), base), "certificate")
}

func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
		t.Fatalf("error %v, want one mentioning %q", err, want)
	}
}
