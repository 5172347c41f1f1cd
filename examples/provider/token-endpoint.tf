# A token and a fixed endpoint: no Keystone call. This also reaches a Cinder that runs with
# auth_strategy = noauth, with a token of the form "user:project_id".
provider "vbs" {
  endpoint = "http://127.0.0.1:8776/v3/{project_id}"
  token    = "admin:0123456789abcdef0123456789abcdef"
  # {project_id} is substituted from project_id.
  project_id = "0123456789abcdef0123456789abcdef"
}
