package auth

import (
	"context"
	"fmt"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/utils"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/sanitize"
)

// MaxKnownMicroversion is the highest Cinder microversion whose fields the provider reads
// (3.64 adds encryption_key_id).
const MaxKnownMicroversion = "3.64"

const maxKnownMajor, maxKnownMinor = 3, 64

// versionedRoot is the versioned root of an endpoint (…/v3/), where its version document is.
func versionedRoot(ctx context.Context, endpoint string, log Logger) (string, bool) {
	base, err := utils.BaseVersionedEndpoint(endpoint)
	if err != nil {
		logTo(ctx, log, "microversion discovery skipped: the endpoint has no version to ask about", map[string]any{"url": sanitize.URL(endpoint)})
		return "", false
	}
	return gophercloud.NormalizeURL(base), true
}

// negotiateMicroversion asks the version document at root, the versioned root of sc's endpoint,
// for the server's range and settles on the highest both sides know. A server that does not say
// gets no microversion header at all: failing here would lock out clouds whose version document
// is hidden, and a microversion above the server's maximum is answered with 406.
func negotiateMicroversion(ctx context.Context, sc *gophercloud.ServiceClient, root string, log Logger) string {
	probe := *sc
	probe.Endpoint, probe.ResourceBase, probe.Microversion = root, "", ""
	supported, err := utils.GetSupportedMicroversions(ctx, &probe)
	if err != nil {
		// The error of a status quotes the whole body: describeError says it in a line.
		logTo(ctx, log, "microversion discovery failed, sending no microversion: "+describeError(err), map[string]any{"url": sanitize.URL(probe.Endpoint)})
		return ""
	}
	mv, ok := pickMicroversion(supported)
	if !ok {
		logTo(ctx, log, "server supports no microversion up to "+MaxKnownMicroversion+", sending none", nil)
		return ""
	}
	logTo(ctx, log, "using microversion "+mv, map[string]any{
		"url":        sanitize.URL(root),
		"server_min": fmt.Sprintf("%d.%d", supported.MinMajor, supported.MinMinor),
		"server_max": fmt.Sprintf("%d.%d", supported.MaxMajor, supported.MaxMinor),
	})
	return mv
}

// pickMicroversion is min(server max, MaxKnownMicroversion), if the server's minimum allows it.
func pickMicroversion(s utils.SupportedMicroversions) (string, bool) {
	major, minor := s.MaxMajor, s.MaxMinor
	if major > maxKnownMajor || (major == maxKnownMajor && minor > maxKnownMinor) {
		major, minor = maxKnownMajor, maxKnownMinor
	}
	if major < s.MinMajor || (major == s.MinMajor && minor < s.MinMinor) {
		return "", false
	}
	return fmt.Sprintf("%d.%d", major, minor), true
}
