package auth

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
	tokens3 "github.com/gophercloud/gophercloud/v2/openstack/identity/v3/tokens"
)

// DefaultHuaweiEndpoint is the VBS endpoint used with AK/SK signing when endpoint is unset.
const DefaultHuaweiEndpoint = "https://vbs.{region}.myhuaweicloud.com/v2/{project_id}"

// CatalogServiceTypes are the catalog types searched for the backup API, in order of preference.
var CatalogServiceTypes = []string{"block-storage", "volumev3", "volumev2", "volume"}

var versionSegment = regexp.MustCompile(`^v(\d+)(\.\d+)?$`)

// pathVersion returns "v2", "v3", … from the first version segment of u's path, or "".
func pathVersion(u string) string {
	parsed, err := url.Parse(u)
	if err != nil {
		return ""
	}
	_, v := findVersion(strings.Split(parsed.Path, "/"))
	return v
}

func findVersion(segments []string) (int, string) {
	for i, seg := range segments {
		if m := versionSegment.FindStringSubmatch(seg); m != nil {
			return i, "v" + m[1]
		}
	}
	return -1, ""
}

// expandEndpoint substitutes {project_id} and {region} and ends the URL with "/" as
// gophercloud's ServiceClient requires.
func (c *Config) expandEndpoint(template, region, projectID string) (string, error) {
	out := template
	for _, p := range []struct{ placeholder, attr, value string }{
		{"{project_id}", "project_id", projectID},
		{"{region}", "region", region},
	} {
		if !strings.Contains(out, p.placeholder) {
			continue
		}
		if p.value == "" {
			return "", &ConfigError{
				Attributes: []string{"endpoint", p.attr},
				Summary:    "Missing " + p.attr,
				Detail:     fmt.Sprintf("The endpoint %s contains %s, but %s is not known.", template, p.placeholder, p.attr),
			}
		}
		out = strings.ReplaceAll(out, p.placeholder, url.PathEscape(p.value))
	}
	return gophercloud.NormalizeURL(out), nil
}

// completeEndpoint adds what a catalog URL may leave out: the version (assumed from the service
// type) and the project, so that Endpoint always reads …/vN/<project>/.
func completeEndpoint(raw, version, projectID string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("catalog endpoint %q: %w", raw, err)
	}
	segments := strings.Split(strings.Trim(u.Path, "/"), "/")
	if segments[0] == "" {
		segments = nil
	}
	i, _ := findVersion(segments)
	if i < 0 {
		segments = append(segments, version)
		i = len(segments) - 1
	}
	if i == len(segments)-1 && projectID != "" {
		segments = append(segments, projectID)
	}
	u.Path = "/" + strings.Join(segments, "/")
	return gophercloud.NormalizeURL(u.String()), nil
}

// catalogVersion is the API version of a catalog endpoint: its path, else its service type.
func catalogVersion(serviceType, u string) string {
	if v := pathVersion(u); v != "" {
		return v
	}
	switch serviceType {
	case "volumev3", "block-storage":
		return "v3"
	case "volumev2":
		return "v2"
	}
	return "" // an unversioned "volume" is the retired v1 API
}

// catalogQuery is what the catalog is searched for.
type catalogQuery struct {
	region       string
	availability gophercloud.Availability
	apiVersion   string // "" prefers v3, then v2
	projectID    string
}

// findCatalogEndpoint asks gophercloud's EndpointLocator for each service type in turn and picks
// by URL version itself: gophercloud's EndpointOpts.Version would probe unversioned URLs over
// the network and cannot rank a v3 block-storage entry above a volumev2 one.
func findCatalogEndpoint(pc *gophercloud.ProviderClient, q catalogQuery) (string, string, error) {
	versions := []string{"v3", "v2"}
	if q.apiVersion != "" {
		versions = []string{q.apiVersion}
	}
	found := map[string]string{}
	for _, t := range CatalogServiceTypes {
		u, err := pc.EndpointLocator(gophercloud.EndpointOpts{Type: t, Region: q.region, Availability: q.availability})
		if endpointNotFound(err) {
			continue
		}
		if err != nil {
			return "", "", err
		}
		found[t] = u
	}
	for _, want := range versions {
		for _, t := range CatalogServiceTypes {
			if u, ok := found[t]; ok && catalogVersion(t, u) == want {
				full, err := completeEndpoint(u, want, q.projectID)
				return full, want, err
			}
		}
	}
	return "", "", noCatalogEndpoint(pc, q)
}

// endpointNotFound accepts gophercloud's error by pointer (what V3Endpoint returns) or value.
func endpointNotFound(err error) bool {
	var byPtr *gophercloud.ErrEndpointNotFound
	var byValue gophercloud.ErrEndpointNotFound
	return errors.As(err, &byPtr) || errors.As(err, &byValue)
}

func noCatalogEndpoint(pc *gophercloud.ProviderClient, q catalogQuery) error {
	return &ConfigError{
		Attributes: []string{"region", "endpoint_type", "api_version", "endpoint"},
		Summary:    "No backup API endpoint in the service catalog",
		Detail:     catalogMiss(pc, q) + ". Check region, endpoint_type and api_version, or set endpoint.",
	}
}

// catalogMiss says what the catalog was searched for and what it offers instead.
func catalogMiss(pc *gophercloud.ProviderClient, q catalogQuery) string {
	want := "v3 or v2"
	if q.apiVersion != "" {
		want = q.apiVersion
	}
	region := q.region
	if region == "" {
		region = "any region"
	}
	return fmt.Sprintf("The catalog has no %s endpoint of type %s for %s with interface %s (it offers: %s)",
		want, strings.Join(CatalogServiceTypes, ", "), region, q.availability, catalogSummary(pc))
}

// catalogSummary lists the catalog's volume endpoints, so that a mismatch is easy to spot.
func catalogSummary(pc *gophercloud.ProviderClient) string {
	catalog, err := tokenCatalog(pc)
	if err != nil {
		return "unknown"
	}
	var entries []string
	for _, svc := range catalog.Entries {
		if !slices.Contains(CatalogServiceTypes, svc.Type) {
			continue
		}
		for _, ep := range svc.Endpoints {
			entries = append(entries, fmt.Sprintf("%s %s %s %s", svc.Type, ep.Region, ep.Interface, ep.URL))
		}
	}
	if len(entries) == 0 {
		return "none"
	}
	return strings.Join(entries, "; ")
}

// v3Result is what both tokens3.CreateResult (new token) and tokens3.GetResult (passed-through
// token) offer.
type v3Result interface {
	ExtractProject() (*tokens3.Project, error)
	ExtractServiceCatalog() (*tokens3.ServiceCatalog, error)
}

func tokenCatalog(pc *gophercloud.ProviderClient) (*tokens3.ServiceCatalog, error) {
	r, ok := pc.GetAuthResult().(v3Result)
	if !ok {
		return nil, errors.New("not a Keystone v3 token")
	}
	return r.ExtractServiceCatalog()
}

// tokenProject is the project the Keystone token is scoped to, or "".
func tokenProject(pc *gophercloud.ProviderClient) string {
	r, ok := pc.GetAuthResult().(v3Result)
	if !ok {
		return ""
	}
	p, err := r.ExtractProject()
	if err != nil || p == nil {
		return ""
	}
	return p.ID
}
