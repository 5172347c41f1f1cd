package provider

// End-to-end tests of what the page walk and the decoder never take from a server: parameters
// from next links, endless walks, oversized pages, volume keys in plain text, rounded numbers.
// Like the reliability tests, they give the providers a fast retry backoff and so must not call t.Parallel.

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbssim"
)

// TestSecurityNextLinkParameters: next links that add all_tenants=1&project_id=<another project>,
// on an administrator's token, where the server would honour them; the provider sends only the
// marker on, and reads its own project's backups, each once, and nothing else.
func TestSecurityNextLinkParameters(t *testing.T) {
	fastRetries(t)
	own := vbssim.Generate(relBackups, 5, vbssim.DefaultProjectID)
	sim := vbssim.NewTest(t, vbssim.Config{Admin: true, Backups: append(own, vbssim.Generate(120, 6, vbssim.OtherProjectID)...)})
	sim.Inject(vbssim.Fault{Path: listPath, Times: -1, NextLinkParams: "all_tenants=1&project_id=" + vbssim.OtherProjectID + "&offset=7"})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            relConfig(sim, idsOnly, "", ""),
			ConfigStateChecks: []statecheck.StateCheck{stateIDs(idsOnly, func(ids []string) error { return sameSetOnce(ids, simIDs(own)) })},
		}},
	})
	reqs := listRequests(sim)
	if len(reqs) < relBackups/relPageSize+1 {
		t.Fatalf("%d page requests, want at least %d", len(reqs), relBackups/relPageSize+1)
	}
	for i, r := range reqs {
		q, err := url.ParseQuery(r.RawQuery)
		if err != nil {
			t.Fatal(err)
		}
		for p := range q {
			// with_count is the configuration's, on the first request of a read (total_count).
			if p != "limit" && p != "marker" && (p != "with_count" || q.Has("marker")) {
				t.Errorf("request %d sent %s from a next link: %s", i+1, p, r.RawQuery)
			}
		}
		if i > 0 && i <= relBackups/relPageSize && !q.Has("marker") { // the pages after the first of the first read
			t.Errorf("request %d did not follow the next link: %s", i+1, r.RawQuery)
		}
	}
}

// TestSecurityNextLinkWithoutMarker: a next link without a marker fails the read, naming the page,
// instead of asking for the first page again.
func TestSecurityNextLinkWithoutMarker(t *testing.T) {
	fastRetries(t)
	sim := reliabilitySim(t)
	sim.Inject(vbssim.Fault{Path: listPath, OnRequest: 2, NoMarkerNextLink: true})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      relConfig(sim, fullBackups, "", ""),
			ExpectError: wordsRegexp("Unable to list VBS backups", "page 2 (GET http://127.0.0.1:", "HTTP 200: next link has no marker"),
		}},
	})
	if n := len(listRequests(sim)); n != 2 {
		t.Errorf("%d page requests, want 2", n)
	}
}

// TestSecurityStuckPages: next links whose markers never repeat (a counter beside each), while the
// pages never advance, end the read after three pages that add nothing, not at the read timeout.
func TestSecurityStuckPages(t *testing.T) {
	for _, dataSource := range []string{fullBackups, idsOnly} {
		t.Run(dataSource, func(t *testing.T) {
			fastRetries(t)
			sim := reliabilitySim(t)
			sim.Inject(vbssim.Fault{Path: listPath, Times: -1, StuckPages: true})
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					// The timeout only bounds the test should the walk loop.
					Config: relConfig(sim, dataSource, "", `timeouts = { read = "20s" }`),
					ExpectError: wordsRegexp("Unable to list VBS backups", "page 4 (GET http://127.0.0.1:",
						"HTTP 200: pages 2 to 4 added no backup not seen before, although each had a next link"),
				}},
			})
			if n := len(listRequests(sim)); n != 4 {
				t.Errorf("%d page requests, want 4", n)
			}
		})
	}
}

// TestSecurityPageOfTinyDuplicates: a page padded with thousands of tiny copies of one backup is
// read, each backup once, up to 10,000 entries a page; one more fails the read.
func TestSecurityPageOfTinyDuplicates(t *testing.T) {
	for _, tc := range []struct {
		name  string
		extra int // entries added to the middle page of relPageSize
		fails bool
	}{
		{name: "10,000 entries", extra: 10000 - relPageSize},
		{name: "10,001 entries", extra: 10001 - relPageSize, fails: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fastRetries(t)
			sim := reliabilitySim(t)
			sim.Inject(vbssim.Fault{Path: listPath, OnRequest: middlePage, TinyDuplicates: tc.extra})
			step := resource.TestStep{Config: relConfig(sim, fullBackups, "", ""), ConfigStateChecks: everyBackupOnce(sim, fullBackups)}
			if tc.fails {
				step = resource.TestStep{
					Config:      step.Config,
					ExpectError: wordsRegexp("Unable to list VBS backups", "page 3 (GET", "HTTP 200: the page holds more than 10000 backups"),
				}
			}
			resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: []resource.TestStep{step}})
			if r := requestsOfPage(sim, middlePage); len(r) == 0 || !r[0].Faulted {
				t.Error("the middle page was not padded: the test proves nothing")
			}
		})
	}
}

// trickyKey is the volume key of TestSecurityVolumeKeys.
const trickyKey = "tricky-volume-key-0123456789abcdef"

// TestSecurityVolumeKeys: service_metadata that hides its volume key behind a second VK, escaped
// key names, nesting, or malformed text: the key reaches no attribute but volume_keys, text that
// cannot be masked is null, and the read's one warning says why, on both read paths.
func TestSecurityVolumeKeys(t *testing.T) {
	fastRetries(t)
	tricks := vbssim.VolumeKeyTricks(trickyKey)
	backups := vbssim.Generate(len(tricks), 8, vbssim.DefaultProjectID)
	for i := range backups {
		backups[i].ServiceMetadata = ptr(tricks[i])
	}
	sim := vbssim.NewTest(t, vbssim.Config{Backups: backups})
	const malformed = 2 // the last tricks are not valid JSON
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: relConfig(sim, fullBackups, "", "include_volume_keys = true"),
			ConfigStateChecks: []statecheck.StateCheck{
				checkBackups("data.vbs_backups.all", func(state []map[string]any) error {
					if len(state) != len(tricks) {
						return fmt.Errorf("%d backups, want %d", len(state), len(tricks))
					}
					nulls := 0
					for _, b := range state {
						whole, err := json.Marshal(b)
						if err != nil {
							return err
						}
						if strings.Contains(string(whole), trickyKey) {
							return fmt.Errorf("backup %s: the volume key is in its attributes: %s", b["id"], whole)
						}
						text, _ := b["service_metadata_json"].(string)
						switch {
						case b["service_metadata_json"] == nil:
							nulls++
						case !strings.Contains(text, `"(sensitive)"`):
							return fmt.Errorf("backup %s: service_metadata_json %q masks nothing", b["id"], text)
						}
					}
					if nulls != malformed {
						return fmt.Errorf("%d service_metadata_json are null, want the %d malformed ones", nulls, malformed)
					}
					return nil
				}),
				checkAttribute("data.vbs_backups.all", "volume_keys", func(v any) error {
					keys, _ := v.(map[string]any)
					if len(keys) != 2 { // the tricks whose top level is valid JSON with a VK
						return fmt.Errorf("volume_keys %d, want 2", len(keys))
					}
					for id, k := range keys {
						if k != trickyKey {
							return fmt.Errorf("volume key of %s: %v", id, k)
						}
					}
					return nil
				}),
			},
		}},
	})

	for name, server := range map[string]func() (tfprotov6.ProviderServer, error){
		"fast":      testAccProtoV6ProviderFactories["vbs"],
		"framework": func() (tfprotov6.ProviderServer, error) { return newProtocolServer("test", false, testOptions...), nil },
	} {
		resp := protocolRead(t, server, map[string]tftypes.Value{
			"endpoint": tftypes.NewValue(tftypes.String, sim.Endpoint("v3", vbssim.DefaultProjectID)),
			"token":    tftypes.NewValue(tftypes.String, vbssim.DefaultToken),
		}, "vbs_backups", map[string]tftypes.Value{"include_volume_keys": tftypes.NewValue(tftypes.Bool, true)})
		if len(resp.Diagnostics) != 1 {
			t.Fatalf("%s: %d diagnostics, want the one warning: %s", name, len(resp.Diagnostics), diagsString(resp.Diagnostics))
		}
		d := resp.Diagnostics[0]
		want := fmt.Sprintf("%d of %d backups had values that could not be read; those attributes are null "+
			"(service_metadata, service_metadata_json).", malformed, len(tricks))
		if d.Severity != tfprotov6.DiagnosticSeverityWarning || !strings.HasPrefix(d.Detail, want) ||
			!strings.Contains(d.Detail, "service_metadata_json is null where service_metadata is not valid JSON and may hold a VK key") ||
			strings.Contains(d.Detail, trickyKey) {
			t.Errorf("%s: warning %q: %q, want it to start %q and say why", name, d.Summary, d.Detail, want)
		}
	}
}

// TestSecurityNumbers: integers that a float64 would round are unreadable (null and the one
// warning), and whole numbers beyond int64 read as numbers (Terraform prints them to 16 digits,
// 2^63 as 9223372036854776000, whichever way they are written; TestFastReadNumbersAsTheFramework
// compares the two paths' bytes).
func TestSecurityNumbers(t *testing.T) {
	fastRetries(t)
	backups := vbssim.Generate(3, 9, vbssim.DefaultProjectID)
	backups[0].Override = map[string]json.RawMessage{"size": json.RawMessage(`123456789012345678.5`)}
	backups[1].Override = map[string]json.RawMessage{"object_count": json.RawMessage(`9223372036854775808`)}
	backups[2].ServiceMetadata = ptr(`{"BT": 9223372036854775808, "SS": 1e300, "CS": -18446744073709551616, "AT": 0.5}`)
	sim := vbssim.NewTest(t, vbssim.Config{Backups: backups})
	exact := map[string]float64{"storage_type": 1 << 63, "space_saving_rate": 1e300, "chain_size_mb": -(1 << 64), "average_rate_mbps": 0.5}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: relConfig(sim, fullBackups, "", ""),
			ConfigStateChecks: []statecheck.StateCheck{checkBackups("data.vbs_backups.all", func(state []map[string]any) error {
				byID := map[string]map[string]any{}
				for _, b := range state {
					byID[b["id"].(string)] = b //nolint:forcetypeassert // every backup has an id
				}
				if v := byID[backups[0].ID]["size"]; v != nil {
					return fmt.Errorf("size %v, want null: 123456789012345678.5 is no integer", v)
				}
				if v := byID[backups[1].ID]["object_count"]; v != nil {
					return fmt.Errorf("object_count %v, want null: 2^63 is beyond int64", v)
				}
				sm, _ := byID[backups[2].ID]["service_metadata"].(map[string]any)
				for attr, want := range exact {
					if got, err := strconv.ParseFloat(numberText(sm[attr]), 64); err != nil || math.Abs(got-want) > 1e-15*math.Abs(want) {
						return fmt.Errorf("service_metadata.%s = %s, want %g", attr, numberText(sm[attr]), want)
					}
				}
				return nil
			})},
		}},
	})
}

// numberText is a number of the state as exact decimal text.
func numberText(v any) string {
	switch n := v.(type) {
	case json.Number:
		return n.String()
	case float64:
		return strconv.FormatFloat(n, 'f', -1, 64)
	}
	return fmt.Sprintf("<%T %v>", v, v)
}
