package auth

import (
	"crypto/tls"
	"crypto/x509"
	"os"
)

// tlsSettings holds cacert_file, cert and key, read and checked before any request is sent.
type tlsSettings struct {
	roots    *x509.CertPool
	certs    []tls.Certificate
	insecure *bool
}

// loadTLS reads the TLS files. cacert_file replaces the system roots rather than adding to
// them, as the OpenStack provider, gophercloud's clouds.yaml and python's OS_CACERT all do:
// a private CA usually signs everything the user talks to, and a replaced pool cannot be
// satisfied by an unrelated public certificate.
func loadTLS(c *Config) (tlsSettings, []*ConfigError) {
	s := tlsSettings{insecure: c.Insecure}
	var errs []*ConfigError
	if c.CACertFile != "" {
		roots, err := c.loadRoots()
		s.roots = roots
		errs = appendIf(errs, err)
	}
	cert, err := c.loadClientCert()
	if cert != nil {
		s.certs = []tls.Certificate{*cert}
	}
	return s, appendIf(errs, err)
}

func appendIf(errs []*ConfigError, err *ConfigError) []*ConfigError {
	if err != nil {
		return append(errs, err)
	}
	return errs
}

func (c *Config) loadRoots() (*x509.CertPool, *ConfigError) {
	pem, cerr := c.readFile("cacert_file", c.CACertFile)
	if cerr != nil {
		return nil, cerr
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, &ConfigError{
			Attributes: []string{"cacert_file"},
			Summary:    "Invalid cacert_file",
			Detail:     c.describe("cacert_file") + " " + c.CACertFile + " holds no PEM certificate.",
		}
	}
	return pool, nil
}

func (c *Config) loadClientCert() (*tls.Certificate, *ConfigError) {
	switch {
	case c.Cert == "" && c.Key == "":
		return nil, nil
	case c.Key == "":
		return nil, c.needs("cert", "key", "A client certificate is useless without its private key.")
	case c.Cert == "":
		return nil, c.needs("key", "cert", "A private key is useless without its client certificate.")
	}
	certPEM, cerr := c.readFile("cert", c.Cert)
	if cerr != nil {
		return nil, cerr
	}
	keyPEM, cerr := c.readFile("key", c.Key)
	if cerr != nil {
		return nil, cerr
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, &ConfigError{
			Attributes: []string{"cert", "key"},
			Summary:    "Invalid client certificate",
			Detail:     c.Cert + " and " + c.Key + " are not a PEM certificate and its private key: " + err.Error(),
		}
	}
	return &pair, nil
}

func (c *Config) readFile(attr, path string) ([]byte, *ConfigError) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &ConfigError{
			Attributes: []string{attr},
			Summary:    "Cannot read " + attr,
			Detail:     c.describe(attr) + ": " + err.Error(),
		}
	}
	return b, nil
}

// apply lays the provider's TLS settings over base (clouds.yaml's, or none).
func (s tlsSettings) apply(base *tls.Config) *tls.Config {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if base != nil {
		cfg = base.Clone()
	}
	if s.roots != nil {
		cfg.RootCAs = s.roots
	}
	if len(s.certs) > 0 {
		cfg.Certificates = s.certs
	}
	if s.insecure != nil {
		cfg.InsecureSkipVerify = *s.insecure
	}
	return cfg
}
