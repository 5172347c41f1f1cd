package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbs"
)

var _ function.Function = (*descriptionParseFunction)(nil)

// NewDescriptionParseFunction is the constructor of provider::vbs::description_parse.
func NewDescriptionParseFunction() function.Function { return &descriptionParseFunction{} }

type descriptionParseFunction struct{}

// descriptionParseModel is the function's result, named as description_text and
// incremental_requested of vbs_backups.
type descriptionParseModel struct {
	Text                 types.String `tfsdk:"text"`
	IncrementalRequested types.Bool   `tfsdk:"incremental_requested"`
}

// descriptionParseAttributes describe the result: description_text, as text, and
// incremental_requested of vbs_backups.
func descriptionParseAttributes() map[string]schema.Attribute {
	backup := backupAttributes()
	return map[string]schema.Attribute{"text": backup["description_text"], "incremental_requested": backup["incremental_requested"]}
}

// descriptionParseAttrTypes are the attribute types of descriptionParseModel.
var descriptionParseAttrTypes = attrTypes(descriptionParseAttributes())

func (f *descriptionParseFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "description_parse"
}

func (f *descriptionParseFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Parse the description of a volume backup",
		MarkdownDescription: "Parses the description of a volume backup by the rules of `description_text` and " +
			"`incremental_requested` of `vbs_backups`: Huawei Cloud VBS may write it as a JSON object " +
			"(`{\"DESC\": \"daily\", \"INC\": 1}`), whose `DESC` is `text` and whose `INC` (1 or 0) is " +
			"`incremental_requested`; any other description is its own `text`, with `incremental_requested` null. " +
			"It needs no provider configuration and calls no API.\n\n" +
			"Null gives null. A `DESC` or `INC` that cannot be read is null. A description that starts like a JSON " +
			"object but is not valid JSON is an error saying why and where; wrap the call in `try()` to tolerate it.\n\n" +
			"The result's attributes:\n\n" + attributesMarkdown(descriptionParseAttributes()),
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "description",
				AllowNullValue:      true,
				MarkdownDescription: "The description of a backup, plain text or a JSON object.",
			},
		},
		Return: function.ObjectReturn{AttributeTypes: descriptionParseAttrTypes},
	}
}

func (f *descriptionParseFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	desc, ok := textArgument(ctx, req, resp, descriptionParseAttrTypes)
	if !ok {
		return
	}
	text, incremental, err := vbs.ParseDescriptionText(desc)
	if err != nil {
		resp.Error = argumentError(err)
		return
	}
	resp.Error = resp.Result.Set(ctx, descriptionParseModel{
		Text:                 types.StringPointerValue(text),
		IncrementalRequested: types.BoolPointerValue(incremental),
	})
}
