//go:build !vbs_framework_read

package provider

// fastReadByDefault: vbs_backups is read on the fast path (fastread.go).
const fastReadByDefault = true
