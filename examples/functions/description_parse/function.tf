# Huawei Cloud VBS may write a description as JSON: DESC is the text, INC whether
# an incremental backup was requested.
output "description" {
  value = provider::vbs::description_parse("{\"DESC\": \"nightly\", \"INC\": 1}")
  # { text = "nightly", incremental_requested = true }
}

output "plain" {
  value = provider::vbs::description_parse("weekly").text # "weekly"
}
