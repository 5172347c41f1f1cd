package auth

import (
	"context"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestSettings_table checks the rules the provider's schema and ApplyEnvironment rely on.
func TestSettings_table(t *testing.T) {
	variable := regexp.MustCompile(`^(OS|HW|VBS)_[A-Z_]+$`)
	names, vars := map[string]bool{}, map[string]bool{}
	var sensitive []string
	for _, s := range Settings() {
		label := settingLabel(s)
		if s.Name != "" && names[s.Name] {
			t.Errorf("%s: argument listed twice", label)
		}
		names[s.Name] = true
		for _, e := range s.Env {
			if !variable.MatchString(e) || vars[e] {
				t.Errorf("%s: variable %q is malformed or listed twice", label, e)
			}
			vars[e] = true
		}
		accessors := 0
		for _, set := range []bool{s.str != nil, s.flag != nil, s.count != nil} {
			if set {
				accessors++
			}
		}
		if accessors != 1 {
			t.Errorf("%s: fills %d fields of Config, want 1", label, accessors)
		}
		if s.Kind() == Count && len(s.Env) > 0 {
			t.Errorf("%s: ApplyEnvironment reads no variable of a Count", label)
		}
		if s.Name == "" && (s.Kind() != String || len(s.Env) == 0) {
			t.Errorf("%s: a setting without an argument must be a String read from a variable", label)
		}
		if s.Values != nil && s.Kind() != String {
			t.Errorf("%s: only a String has Values", label)
		}
		if s.Sensitive {
			sensitive = append(sensitive, s.Name)
		}
	}
	slices.Sort(sensitive)
	want := []string{"application_credential_secret", "password", "secret_key", "security_token", "token"}
	if !slices.Equal(sensitive, want) {
		t.Errorf("sensitive settings %v, want %v", sensitive, want)
	}
}

// TestSettings_fillDistinctFields sets every setting through its Setting and checks that exactly
// one field of Config changed, a different one each time.
func TestSettings_fillDistinctFields(t *testing.T) {
	yes, three := true, int64(3)
	filled := map[string]string{}
	for _, s := range Settings() {
		var c Config
		switch s.Kind() {
		case Bool:
			s.SetBool(&c, &yes)
		case Count:
			s.SetCount(&c, &three)
		default:
			s.SetString(&c, "x")
		}
		got, zero := reflect.ValueOf(c), reflect.ValueOf(Config{})
		var changed []string
		for i := range got.NumField() {
			if got.Type().Field(i).IsExported() && !reflect.DeepEqual(got.Field(i).Interface(), zero.Field(i).Interface()) {
				changed = append(changed, got.Type().Field(i).Name)
			}
		}
		label := settingLabel(s)
		if len(changed) != 1 {
			t.Errorf("%s changed %v", label, changed)
			continue
		}
		if other, ok := filled[changed[0]]; ok {
			t.Errorf("%s and %s both fill %s", label, other, changed[0])
		}
		filled[changed[0]] = label
	}
	// The environment test checks the field of every setting with a variable; these two have none.
	if filled["APIVersion"] != "api_version" || filled["MaxRetries"] != "max_retries" {
		t.Errorf("api_version and max_retries fill %v", filled)
	}
}

// TestSettings_invalidEnumNamesItsValues checks that the message of a wrong value lists the values of the
// same list that the schema's validator accepts.
func TestSettings_invalidEnumNamesItsValues(t *testing.T) {
	cfg := Config{Token: secretToken, Endpoint: "http://127.0.0.1:1/v3/p", EndpointType: "private", WrapTransport: noDial(t)}
	cfg.ApplyEnvironment(lookupFrom(nil))
	_, err := NewServiceClient(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "endpoint_type must be public, internal or admin") {
		t.Errorf("got %v", err)
	}
	cfg = Config{Token: secretToken, Endpoint: "http://127.0.0.1:1/p", APIVersion: "v1", WrapTransport: noDial(t)}
	_, err = NewServiceClient(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "api_version must be v2 or v3") {
		t.Errorf("got %v", err)
	}
}

// settingLabel names a setting in a failure: its argument, else its variables.
func settingLabel(s Setting) string {
	if s.Name != "" {
		return s.Name
	}
	return strings.Join(s.Env, ",")
}
