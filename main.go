// Command terraform-provider-vbs serves the vbs Terraform provider.
package main

import (
	"flag"
	"fmt"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/provider"
)

// version is set by the release build: -ldflags "-X main.version=1.2.3".
var version = "dev"

func main() {
	var debug, printVersion bool
	flag.BoolVar(&debug, "debug", false, "run with support for debuggers such as delve")
	flag.BoolVar(&printVersion, "version", false, "print the provider's version and exit")
	flag.Parse()

	// Lets a user or a release check ask an installed binary which release it is without starting a plugin server.
	if printVersion {
		fmt.Println("terraform-provider-vbs", version)
		return
	}

	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	// The framework's server, wrapped so that vbs_backups is read on the fast path (internal/provider/fastread.go).
	err := tf6server.Serve("registry.terraform.io/terraform-provider-vbs/vbs", provider.NewProtocol6Server(version), opts...)
	if err != nil {
		log.Fatal(err.Error())
	}
}
