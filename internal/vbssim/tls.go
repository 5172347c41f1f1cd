package vbssim

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// TLSFiles are the PEM files of a TLS server, for clients' cacert_file, cert and key.
type TLSFiles struct {
	CACert     string // the CA that signed the server's and the client's certificates
	ClientCert string // a client certificate the server accepts
	ClientKey  string
}

// TLSFiles returns the PEM file paths; empty without Config.TLS or before Start.
func (s *Server) TLSFiles() TLSFiles {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tls
}

// listenTLS generates a CA, a server certificate for 127.0.0.1 and a client certificate,
// writes the PEM files and wraps ln; called by Start with s.mu held.
func (s *Server) listenTLS(ln net.Listener) (net.Listener, error) {
	dir := s.cfg.CertDir
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "vbssim-tls-"); err != nil {
			_ = ln.Close()
			return nil, fmt.Errorf("vbssim: %w", err)
		}
		s.tempDir = dir
	}
	files := TLSFiles{
		CACert:     filepath.Join(dir, "ca.pem"),
		ClientCert: filepath.Join(dir, "client.pem"),
		ClientKey:  filepath.Join(dir, "client-key.pem"),
	}
	serverCert, pool, err := writeCertificates(files)
	if err != nil {
		_ = ln.Close()
		return nil, fmt.Errorf("vbssim: TLS certificates: %w", err)
	}
	cfg := &tls.Config{
		Certificates: []tls.Certificate{serverCert},
		MinVersion:   tls.VersionTLS12,
		NextProtos:   []string{"http/1.1"}, // HTTP/1.1 only, so that faults can hijack the connection
	}
	if s.cfg.RequireClientCert {
		cfg.ClientAuth, cfg.ClientCAs = tls.RequireAndVerifyClientCert, pool
	}
	s.srv.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){}
	s.tls = files
	return tls.NewListener(ln, cfg), nil
}

// writeCertificates creates the CA, server and client certificates, writes the CA and the client
// pair to files, and returns the server's certificate and a pool holding the CA.
func writeCertificates(files TLSFiles) (tls.Certificate, *x509.CertPool, error) {
	caKey, caDER, err := newCertificate(&x509.Certificate{
		Subject:               pkix.Name{CommonName: "vbssim test CA"},
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}, nil, nil)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	serverKey, serverDER, err := newCertificate(&x509.Certificate{
		Subject:     pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:    []string{"localhost"},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, ca, caKey)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	clientKey, clientDER, err := newCertificate(&x509.Certificate{
		Subject:     pkix.Name{CommonName: "vbssim client"},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, ca, caKey)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	clientKeyDER, err := x509.MarshalPKCS8PrivateKey(clientKey)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	for path, block := range map[string]*pem.Block{
		files.CACert:     {Type: "CERTIFICATE", Bytes: caDER},
		files.ClientCert: {Type: "CERTIFICATE", Bytes: clientDER},
		files.ClientKey:  {Type: "PRIVATE KEY", Bytes: clientKeyDER},
	} {
		if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
			return tls.Certificate{}, nil, err
		}
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return tls.Certificate{Certificate: [][]byte{serverDER, caDER}, PrivateKey: serverKey}, pool, nil
}

// newCertificate fills in the serial and validity of tmpl and signs it with parent's key, or
// self-signs it when parent is nil; it returns the new key and the certificate's DER.
func newCertificate(tmpl, parent *x509.Certificate, parentKey crypto.Signer) (*ecdsa.PrivateKey, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, nil, err
	}
	tmpl.SerialNumber = serial
	tmpl.NotBefore = time.Now().Add(-time.Hour)
	tmpl.NotAfter = time.Now().Add(24 * time.Hour)
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	return key, der, err
}
