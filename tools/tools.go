// Package tools pins the versions of the development tools (tfplugindocs, golangci-lint, goreleaser) in its own
// module, so that they stay out of the provider's dependencies; `go tool` runs them.
package tools
