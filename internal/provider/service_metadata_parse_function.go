package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbs"
)

var _ function.Function = (*serviceMetadataParseFunction)(nil)

// NewServiceMetadataParseFunction is the constructor of provider::vbs::service_metadata_parse.
func NewServiceMetadataParseFunction() function.Function { return &serviceMetadataParseFunction{} }

type serviceMetadataParseFunction struct{}

// serviceMetadataParseModel is the function's result: the service_metadata object of vbs_backups
// plus the volume key, which vbs_backups keeps apart in volume_keys.
type serviceMetadataParseModel struct {
	serviceMetadataModel
	VolumeKey types.String `tfsdk:"volume_key"`
}

// serviceMetadataParseAttributes describe the result: the attributes of vbs_backups'
// service_metadata plus volume_key.
func serviceMetadataParseAttributes() map[string]schema.Attribute {
	attrs := serviceMetadataAttributes()
	attrs["volume_key"] = schema.StringAttribute{Computed: true, MarkdownDescription: "The volume key (`VK`) of an " +
		"encrypted volume; null where it is absent or the mask `(sensitive)` that `service_metadata_json` shows."}
	return attrs
}

// serviceMetadataParseAttrTypes are the attribute types of the result.
func serviceMetadataParseAttrTypes() map[string]attr.Type {
	return attrTypes(serviceMetadataParseAttributes())
}

func (f *serviceMetadataParseFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "service_metadata_parse"
}

func (f *serviceMetadataParseFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Parse the service_metadata text of a volume backup",
		MarkdownDescription: "Parses the `service_metadata` text of a Huawei Cloud VBS backup (as other providers expose it, " +
			"for example `huaweicloud_vbs_backup`) into the object that the `service_metadata` attribute of " +
			"`vbs_backups` holds, with the same rules, plus `volume_key`. It needs no provider configuration and " +
			"calls no API.\n\n" +
			"Null gives null, and so does text that is not JSON-object-shaped (plain text, as Cinder's chunked " +
			"drivers store). A value that cannot be read (`\"progress\": \"soon\"`) leaves its attribute null. Text " +
			"that starts like JSON but is not a JSON object is an error saying why and where; wrap the call in " +
			"`try()` to tolerate it. The result is sensitive where the argument is.\n\n" +
			"The result's attributes:\n\n" + attributesMarkdown(serviceMetadataParseAttributes()),
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:           "text",
				AllowNullValue: true,
				MarkdownDescription: "The `service_metadata` text, a JSON object such as " +
					"`{\"bootable\": false, \"progress\": \"0\", \"Type\": 0}`; surrounding spaces are allowed.",
			},
		},
		Return: function.ObjectReturn{AttributeTypes: serviceMetadataParseAttrTypes()},
	}
}

func (f *serviceMetadataParseFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	text, ok := textArgument(ctx, req, resp, serviceMetadataParseAttrTypes())
	if !ok {
		return
	}
	sm, err := vbs.ParseServiceMetadataText(text)
	if err != nil {
		resp.Error = argumentError(err)
		return
	}
	if sm == nil {
		resp.Error = resp.Result.Set(ctx, types.ObjectNull(serviceMetadataParseAttrTypes()))
		return
	}
	m := serviceMetadataParseModel{serviceMetadataModel: *newServiceMetadataModel(sm), VolumeKey: types.StringPointerValue(sm.VolumeKey)}
	if sm.VolumeKey != nil && *sm.VolumeKey == vbs.MaskedVolumeKey {
		// Text copied from service_metadata_json holds the mask, not a key.
		m.VolumeKey = types.StringNull()
	}
	resp.Error = resp.Result.Set(ctx, m)
}
