package vbs

import (
	"strconv"
	"strings"
)

// API is what the connection decided about an endpoint, once: the version of the backup API it
// serves and the microversion sent with every request. The client asks it, and never parses a URL
// or a header for either.
type API struct {
	// Version is "v2" (Huawei Cloud VBS) or "v3" (OpenStack Cinder); "" when unknown.
	Version string
	// Microversion is the v3 microversion sent with every request, "3.x"; "" for none, which the
	// server reads as 3.0.
	Microversion string
}

// Cinder microversions (3.x) from which a listing has what the client relies on.
const (
	projectMinor  = 18 // os-backup-project-attr:project_id, shown to administrators
	metadataMinor = 43 // metadata
	countMinor    = 45 // with_count, and the count of every page
)

// has reports whether the endpoint is v3 with microversion 3.minor or later.
func (a API) has(minor int) bool {
	major, m, _ := strings.Cut(a.Microversion, ".")
	n, err := strconv.Atoi(m)
	return a.Version == "v3" && major == "3" && err == nil && n >= minor
}

// version is Version for a message.
func (a API) version() string {
	if a.Version == "" {
		return "unknown"
	}
	return a.Version
}

// microversion is Microversion for a message.
func (a API) microversion() string {
	if a.Microversion == "" {
		return "3.0 (the server announced no microversion)"
	}
	return a.Microversion
}
