package provider

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/auth"
)

// envVariable matches the name of a variable of the provider, as the settings spell them.
var envVariable = regexp.MustCompile(`\b(?:OS|HW|VBS)_[A-Z_]+\b`)

func providerSchema(t *testing.T) schema.Schema {
	t.Helper()
	var resp provider.SchemaResponse
	(&vbsProvider{}).Schema(context.Background(), provider.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	return resp.Schema
}

// TestProvider_schemaFromSettings checks every argument of the schema against its setting: the same
// names, the type of its kind, the sensitive flag, and the variables in its description.
func TestProvider_schemaFromSettings(t *testing.T) {
	s := providerSchema(t)
	var args []string
	for _, set := range auth.Settings() {
		if set.Name == "" {
			continue
		}
		args = append(args, set.Name)
		a, ok := s.Attributes[set.Name]
		if !ok {
			t.Errorf("%s: not in the schema", set.Name)
			continue
		}
		var wantType string
		switch set.Kind() {
		case auth.Bool:
			_, ok = a.(schema.BoolAttribute)
			wantType = "bool"
		case auth.Count:
			_, ok = a.(schema.Int64Attribute)
			wantType = "int64"
		default:
			_, ok = a.(schema.StringAttribute)
			wantType = "string"
		}
		if !ok || !a.IsOptional() || a.IsSensitive() != set.Sensitive {
			t.Errorf("%s: %T optional=%v sensitive=%v, want an optional %s, sensitive=%v",
				set.Name, a, a.IsOptional(), a.IsSensitive(), wantType, set.Sensitive)
		}
		desc := a.GetMarkdownDescription()
		if !strings.HasPrefix(desc, settingDescription(set)) || !slices.Equal(envVariable.FindAllString(desc, -1), set.Env) {
			t.Errorf("%s: description %q should be the setting's and name %v", set.Name, desc, set.Env)
		}
	}
	if len(s.Attributes) != len(args) {
		t.Errorf("schema has %d arguments, settings %d: %v", len(s.Attributes), len(args), args)
	}
}

// TestProvider_settingDescriptions checks that the provider documents every setting of auth, and nothing
// else: an argument added to auth without its description, or a description left behind by a
// removed one, fails here; so does an enum whose description does not name each value it accepts.
func TestProvider_settingDescriptions(t *testing.T) {
	documented := map[string]bool{}
	for _, s := range auth.Settings() {
		label := s.Name
		if label == "" {
			label = s.Env[0]
		}
		desc := settingDescription(s)
		if desc == "" {
			t.Errorf("%s: no description", label)
		}
		documented[label] = true
		for _, v := range s.Values {
			if !strings.Contains(desc, "`"+v+"`") {
				t.Errorf("%s: description does not name the value %q", label, v)
			}
		}
	}
	for key := range settingDescriptions {
		if !documented[key] {
			t.Errorf("%s: described, but no setting of auth has that name or variable", key)
		}
	}
}

// TestProvider_documentedVariablesRead checks that the variables the generated documentation names are
// exactly those ApplyEnvironment reads (TestProvider_environmentReadOnlyThroughSettings checks that no
// code reads another).
func TestProvider_documentedVariablesRead(t *testing.T) {
	s := providerSchema(t)
	documented := envVariable.FindAllString(s.MarkdownDescription, -1)
	for _, a := range s.Attributes {
		documented = append(documented, envVariable.FindAllString(a.GetMarkdownDescription(), -1)...)
	}
	slices.Sort(documented)
	read := slices.Sorted(slices.Values(auth.EnvironmentVariables()))
	if !slices.Equal(documented, read) {
		t.Errorf("documented %v\nread       %v", documented, read)
	}
}

// TestProvider_environmentReadOnlyThroughSettings scans the code of the provider and of auth: no function
// reads the environment itself (os.LookupEnv may only be handed to ApplyEnvironment), no string
// outside the settings table is a variable's name (a key to look up), and a message names only
// variables that are read.
func TestProvider_environmentReadOnlyThroughSettings(t *testing.T) {
	read := auth.EnvironmentVariables()
	readers := []string{"Getenv", "LookupEnv", "Environ", "ExpandEnv", "Expand"}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	authFiles, err := filepath.Glob(filepath.Join("..", "auth", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	scanned := 0
	for _, name := range append(files, authFiles...) {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		scanned++
		table := filepath.Base(name) == "settings.go" && filepath.Base(filepath.Dir(name)) == "auth"
		// The provider's half of the table documents a variable without an argument under its name:
		// a key of documentation, not of the environment, but still only a variable that is read.
		docs := filepath.Base(name) == "provider_settings.go"
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && isPackage(sel.X, "os", "syscall") && slices.Contains(readers, sel.Sel.Name) {
					t.Errorf("%s: reads the environment with %s.%s; add the variable to auth's settings instead",
						fset.Position(n.Pos()), sel.X, sel.Sel.Name)
				}
			case *ast.BasicLit:
				if n.Kind != token.STRING || table {
					return true
				}
				v, err := strconv.Unquote(n.Value)
				if err != nil {
					return true
				}
				if v != "" && envVariable.FindString(v) == v && !docs {
					t.Errorf("%s: %s is looked up outside auth's settings", fset.Position(n.Pos()), v)
				}
				for _, e := range envVariable.FindAllString(v, -1) {
					if !slices.Contains(read, e) {
						t.Errorf("%s: a message names %s, which the provider does not read", fset.Position(n.Pos()), e)
					}
				}
			}
			return true
		})
	}
	if scanned < 10 {
		t.Fatalf("scanned %d files; the globs are wrong", scanned)
	}
}

func isPackage(x ast.Expr, names ...string) bool {
	id, ok := x.(*ast.Ident)
	return ok && slices.Contains(names, id.Name)
}

// TestProvider_schemaValidatorsFromSettings checks the validators made from the settings' values.
func TestProvider_schemaValidatorsFromSettings(t *testing.T) {
	s := providerSchema(t)
	ctx := context.Background()
	validString := func(attr, value string) bool {
		var resp validator.StringResponse
		for _, v := range s.Attributes[attr].(schema.StringAttribute).Validators {
			v.ValidateString(ctx, validator.StringRequest{ConfigValue: types.StringValue(value)}, &resp)
		}
		return !resp.Diagnostics.HasError()
	}
	for attr, values := range map[string][]string{"endpoint_type": auth.EndpointTypes, "api_version": auth.APIVersions} {
		for _, v := range values {
			if !validString(attr, v) {
				t.Errorf("%s rejects %q", attr, v)
			}
		}
		if validString(attr, "bogus") {
			t.Errorf("%s accepts bogus", attr)
		}
	}
	validCount := func(n int64) bool {
		var resp validator.Int64Response
		for _, v := range s.Attributes["max_retries"].(schema.Int64Attribute).Validators {
			v.ValidateInt64(ctx, validator.Int64Request{ConfigValue: types.Int64Value(n)}, &resp)
		}
		return !resp.Diagnostics.HasError()
	}
	if !validCount(0) || validCount(-1) {
		t.Errorf("max_retries: 0 valid %v, -1 valid %v", validCount(0), validCount(-1))
	}
}

// TestProvider_readSettings copies a provider block into auth.Config through the settings, and names the
// first unknown argument.
func TestProvider_readSettings(t *testing.T) {
	s := providerSchema(t)
	ctx := context.Background()
	typ := s.Type().TerraformType(ctx).(tftypes.Object)
	block := func(set map[string]tftypes.Value) tfsdk.Config {
		values := map[string]tftypes.Value{}
		for name, at := range typ.AttributeTypes {
			values[name] = tftypes.NewValue(at, nil)
		}
		for name, v := range set {
			values[name] = v
		}
		return tfsdk.Config{Schema: s, Raw: tftypes.NewValue(typ, values)}
	}
	cfg, unknown, diags := readSettings(ctx, block(map[string]tftypes.Value{
		"region":      tftypes.NewValue(tftypes.String, "r1"),
		"token":       tftypes.NewValue(tftypes.String, "t1"),
		"insecure":    tftypes.NewValue(tftypes.Bool, true),
		"max_retries": tftypes.NewValue(tftypes.Number, 2),
	}))
	if diags.HasError() || unknown != "" {
		t.Fatalf("unknown %q, %v", unknown, diags)
	}
	if cfg.Region != "r1" || cfg.Token != "t1" || cfg.Insecure == nil || !*cfg.Insecure ||
		cfg.MaxRetries == nil || *cfg.MaxRetries != 2 || cfg.Cloud != "" || cfg.APIVersion != "" {
		t.Errorf("got %+v", cfg)
	}
	for _, name := range []string{"max_retries", "insecure", "user_name"} {
		_, unknown, diags = readSettings(ctx, block(map[string]tftypes.Value{
			name: tftypes.NewValue(typ.AttributeTypes[name], tftypes.UnknownValue),
		}))
		if diags.HasError() || unknown != name {
			t.Errorf("unknown %s: got %q, %v", name, unknown, diags)
		}
	}
}
