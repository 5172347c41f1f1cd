package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbssim"
)

// TestListingArguments_stableIDUnchanged: the id derived from the arguments is the one earlier
// releases derived from the same arguments, on both listing data sources; a changed id would show
// as a change in every plan.
func TestListingArguments_stableIDUnchanged(t *testing.T) {
	sim := vbssim.NewTest(t, vbssim.Config{Backups: vbssim.Example()})
	providerArgs := map[string]tftypes.Value{
		"endpoint": tftypes.NewValue(tftypes.String, sim.Endpoint("v3", vbssim.DefaultProjectID)),
		"token":    tftypes.NewValue(tftypes.String, vbssim.DefaultToken),
	}
	for _, tc := range []struct {
		args map[string]tftypes.Value
		id   string
	}{
		{nil, "95b23294199f1e8f147cc4e0a7a8d7d8"},
		{map[string]tftypes.Value{
			"name":     tftypes.NewValue(tftypes.String, "x"),
			"limit":    tftypes.NewValue(tftypes.Number, 5),
			"sort_dir": tftypes.NewValue(tftypes.String, "asc"),
		}, "e8ce93d0a39250457e190c8625f194f7"},
		{map[string]tftypes.Value{
			"name_regex":    tftypes.NewValue(tftypes.String, "a.*"),
			"snapshot_id":   tftypes.NewValue(tftypes.String, "s"),
			"created_after": tftypes.NewValue(tftypes.String, "2020-01-01T00:00:00Z"),
			"metadata": tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{
				"b": tftypes.NewValue(tftypes.String, "2"), "a": tftypes.NewValue(tftypes.String, "1"),
			}),
			"incremental": tftypes.NewValue(tftypes.Bool, false),
			"tenant_id":   tftypes.NewValue(tftypes.String, "p"),
			"status":      tftypes.NewValue(tftypes.String, "available"),
			"page_size":   tftypes.NewValue(tftypes.Number, 7),
		}, "c389d698ee78e5b53e79b66ffd4d61bb"},
	} {
		for _, ds := range []string{"vbs_backup_ids", "vbs_backups"} {
			resp := protocolRead(t, testAccProtoV6ProviderFactories["vbs"], providerArgs, ds, tc.args)
			typ := dataSourceType(t, newProtocolServer("test", true), ds)
			var attrs map[string]tftypes.Value
			if err := decodeState(t, typ, resp.State).As(&attrs); err != nil {
				t.Fatal(err)
			}
			var id string
			if err := attrs["id"].As(&id); err != nil || id != tc.id {
				t.Errorf("%s %v: id %q (%v), want %q; %s", ds, tc.args, id, err, tc.id, diagsString(resp.Diagnostics))
			}
		}
	}
}
