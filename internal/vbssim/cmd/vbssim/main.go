// Command vbssim runs the backup API simulator until SIGINT or SIGTERM, for the demo and benchmarks.
//
// Once it listens it prints KEY=value lines (VBSSIM_URL, VBSSIM_ENDPOINT, VBSSIM_TOKEN, …, then
// VBSSIM_READY=1) on stdout, so that a script started in the background can read them.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbssim"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run serves until ctx ends and returns the exit code; 2 means bad flags, 1 a failure to start.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("vbssim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:0", "listen address, a loopback IP only")
	n := fs.Int("backups", 1000, "number of generated backups")
	seed := fs.Int64("seed", 1, "seed of the generated backups")
	project := fs.String("project", vbssim.DefaultProjectID, "project id that owns the backups")
	token := fs.String("token", vbssim.DefaultToken, "static API token of the project")
	maxLimit := fs.Int("max-limit", 1000, "largest page size (Cinder's osapi_max_limit)")
	useTLS := fs.Bool("tls", false, "serve HTTPS with a generated CA (its PEM path is printed as VBSSIM_CACERT)")
	certDir := fs.String("cert-dir", "", "directory for the TLS PEM files (default a temporary one)")
	example := fs.Bool("example", false, "also serve the three backups of the API document's example")
	noAuth := fs.Bool("noauth", false, "also accept user:project tokens, like Cinder's noauth")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *n < 0 || *project == "" || *token == "" {
		_, _ = fmt.Fprintln(stderr, "vbssim: -backups must be >= 0 and -project, -token non-empty")
		return 2
	}

	backups := vbssim.Generate(*n, *seed, *project)
	if *example {
		for _, b := range vbssim.Example() {
			b.ProjectID = *project
			backups = append(backups, b)
		}
	}
	domain := vbssim.Domain{ID: vbssim.DefaultDomainID, Name: vbssim.DefaultDomainName}
	s := vbssim.New(vbssim.Config{
		Addr:     *listen,
		Backups:  backups,
		MaxLimit: *maxLimit,
		Projects: []vbssim.Project{
			{ID: *project, Name: vbssim.DefaultProjectName, Domain: domain},
			{ID: vbssim.OtherProjectID, Name: vbssim.OtherProjectName, Domain: domain},
		},
		Tokens:  map[string]string{*token: *project},
		NoAuth:  *noAuth,
		TLS:     *useTLS,
		CertDir: *certDir,
	})
	if err := s.Start(); err != nil {
		_, _ = fmt.Fprintln(stderr, err)
		return 1
	}
	defer s.Close()

	lines := [][2]string{
		{"URL", s.URL()},
		{"ENDPOINT", s.Endpoint("v3", *project)},
		{"ENDPOINT_V2", s.Endpoint("v2", *project)},
		{"KEYSTONE_URL", s.KeystoneURL()},
		{"REGION", vbssim.DefaultRegion},
		{"PROJECT_ID", *project},
		{"PROJECT_NAME", vbssim.DefaultProjectName},
		{"DOMAIN_NAME", vbssim.DefaultDomainName},
		{"USER_NAME", vbssim.DefaultUserName},
		{"PASSWORD", vbssim.DefaultPassword},
		{"TOKEN", *token},
		{"ACCESS_KEY", vbssim.DefaultAccessKey},
		{"SECRET_KEY", vbssim.DefaultSecretKey},
		{"BACKUPS", fmt.Sprint(len(backups))},
	}
	if *useTLS {
		files := s.TLSFiles()
		lines = append(lines, [2]string{"CACERT", files.CACert}, [2]string{"CLIENT_CERT", files.ClientCert}, [2]string{"CLIENT_KEY", files.ClientKey})
	}
	for _, l := range append(lines, [2]string{"READY", "1"}) {
		if _, err := fmt.Fprintf(stdout, "VBSSIM_%s=%s\n", l[0], l[1]); err != nil {
			return 1 // whoever started it can no longer learn where it listens
		}
	}
	<-ctx.Done()
	return 0
}
