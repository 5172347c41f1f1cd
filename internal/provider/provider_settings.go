package provider

import (
	"fmt"
	"strings"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/auth"
)

// settingDescription is the Markdown that documents a provider setting in the schema: for an
// argument a sentence or two, to which settingAttribute appends the variables; for a variable
// without an argument, a noun phrase ("the file to read").
func settingDescription(s auth.Setting) string {
	if s.Name == "" {
		return settingDescriptions[s.Env[0]]
	}
	return settingDescriptions[s.Name]
}

// settingDescriptions documents each of auth.Settings, keyed by its name, or by its first variable
// where it has no argument. auth holds the names and the variables, the provider their documentation.
var settingDescriptions = map[string]string{
	"cloud":               "Entry of `clouds.yaml` to read the settings from; the other arguments override it.",
	"auth_url":            "Keystone (or Huawei IAM) v3 URL.",
	"region":              "Region name, used to choose the endpoint in the service catalog and in the AK/SK default endpoint.",
	"user_name":           "User name for password authentication.",
	"user_id":             "User id for password authentication.",
	"password":            "Password for password authentication.",
	"user_domain_name":    "Domain name of the user.",
	"user_domain_id":      "Domain id of the user.",
	"project_domain_name": "Domain name of the project.",
	"project_domain_id":   "Domain id of the project.",
	"domain_name":         "Domain name used for both user and project where they are not set.",
	"domain_id":           "Domain id used for both user and project where they are not set.",
	"project_id":          "Project id: the scope of Keystone tokens, and required for AK/SK signing.",
	"project_name":        "Project name, the scope of Keystone tokens.",
	"token": "An existing token, sent as `X-Auth-Token`. With `endpoint` no Keystone call is made " +
		"(this is also how a Cinder with `auth_strategy = noauth` is reached, with a token `user:project_id`).",
	"application_credential_id":     "Keystone application credential id.",
	"application_credential_name":   "Keystone application credential name (with `user_name` or `user_id`).",
	"application_credential_secret": "Keystone application credential secret.",
	"access_key":                    "Huawei Cloud access key (AK) for SDK-HMAC-SHA256 request signing; no Keystone call is made.",
	"secret_key":                    "Huawei Cloud secret key (SK) for request signing.",
	"security_token":                "Huawei Cloud security token of temporary AK/SK credentials.",
	"endpoint": "Base URL of the backup API including version and project, for example " +
		"`https://vbs.cn-north-4.myhuaweicloud.com/v2/{project_id}` or `http://127.0.0.1:8776/v3/{project_id}`; " +
		"`{project_id}` and `{region}` are substituted. Skips the service catalog. With AK/SK it defaults to " +
		"`" + auth.DefaultHuaweiEndpoint + "`.",
	"endpoint_type": "Interface of the catalog endpoint: " + markdownValues(auth.EndpointTypes, " (default)") + ".",
	"api_version": "`v2` (Huawei Cloud VBS) or `v3` (OpenStack Cinder). Default: taken from `endpoint`'s path, " +
		"else from the catalog, preferring v3 where both exist.",
	"insecure":    "Skip verification of the server's TLS certificate.",
	"cacert_file": "PEM file of certificate authorities to trust.",
	"cert":        "PEM file of a client certificate for TLS client authentication (with `key`).",
	"key":         "PEM file of the client certificate's private key.",
	"max_retries": "Retries of one request on HTTP " + statusList(auth.RetryStatuses()) + " and on connection resets, " +
		"with exponential backoff that honours `Retry-After`. " +
		fmt.Sprintf("Default `%d`; `0` disables retries.", auth.DefaultMaxRetries),
	"OS_CLIENT_CONFIG_FILE": "the `clouds.yaml` file to read instead of looking where the OpenStack CLI looks",
	"OS_DEFAULT_DOMAIN":     "the domain id of a user or project named without any domain",
}

// markdownValues reads "`a`<first>, `b` or `c`".
func markdownValues(values []string, first string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = "`" + v + "`"
	}
	quoted[0] += first
	if len(quoted) == 1 {
		return quoted[0]
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " or " + quoted[len(quoted)-1]
}

// statusList reads "429, 500, 502, 503, 504".
func statusList(codes []int) string {
	s := make([]string, len(codes))
	for i, code := range codes {
		s[i] = fmt.Sprint(code)
	}
	return strings.Join(s, ", ")
}
