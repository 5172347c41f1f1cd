//go:build vbs_framework_read

package provider

// fastReadByDefault: a binary built with -tags vbs_framework_read reads vbs_backups through the
// framework, so that the path the fast one replaces can still be measured end to end.
const fastReadByDefault = false
