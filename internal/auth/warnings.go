package auth

import (
	"crypto/tls"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/sanitize"
)

// Warning is a configuration that works but weakens the transport; the provider shows each as a
// Terraform warning.
type Warning struct {
	Attributes []string // provider arguments involved, e.g. "insecure"
	Summary    string
	Detail     string
}

// warnings collects one warning of each kind for one configuration.
type warnings struct {
	insecure  *Warning
	plainURLs []string // origins that receive credentials over plain http
}

// tls notes that certificate verification is off (insecure, or clouds.yaml's verify: false) and
// returns final unchanged.
func (w *warnings) tls(c *Config, final, cloud *tls.Config) *tls.Config {
	switch {
	case final == nil || !final.InsecureSkipVerify:
	case c.Insecure != nil && *c.Insecure:
		w.insecure = &Warning{
			Attributes: []string{"insecure"},
			Summary:    "TLS certificate verification is off",
			Detail: c.describe("insecure") + " is true: the provider accepts any certificate, so anyone on the network path " +
				"can read the credentials and the backups. Set cacert_file to the CA that signed the server's certificate instead.",
		}
	case cloud != nil && cloud.InsecureSkipVerify:
		w.insecure = &Warning{
			Attributes: []string{"cloud"},
			Summary:    "TLS certificate verification is off",
			Detail: "Cloud " + c.Cloud + " in clouds.yaml has verify: false: the provider accepts any certificate, so anyone on the " +
				"network path can read the credentials and the backups. Set cacert (or cacert_file) to the CA that signed the server's certificate instead, or insecure = false.",
		}
	}
	return final
}

// plainHTTP notes a URL that receives credentials (a password, a token, a signature) if it is
// plain http:// to a host that is not loopback.
func (w *warnings) plainHTTP(rawURL string) {
	u, err := url.Parse(rawURL)
	if err != nil || !strings.EqualFold(u.Scheme, "http") || isLoopback(u.Hostname()) {
		return
	}
	if o := sanitize.Origin(rawURL); !slices.Contains(w.plainURLs, o) {
		w.plainURLs = append(w.plainURLs, o)
	}
}

// isLoopback accepts 127.0.0.0/8, ::1 and localhost, which never leave the machine.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (w *warnings) list() []Warning {
	var out []Warning
	if w.insecure != nil {
		out = append(out, *w.insecure)
	}
	if len(w.plainURLs) > 0 {
		out = append(out, Warning{
			Summary: "Credentials sent over plain HTTP",
			Detail: "The provider sends credentials (a password, a token or a request signature) over plain http:// to " +
				strings.Join(w.plainURLs, ", ") + ", which is not a loopback address: anyone on the network path can read them. " +
				"Use https:// URLs (for a catalog endpoint, ask the cloud's operators, or set endpoint).",
		})
	}
	return out
}
