// Package sanitize bounds and cleans anything a server sends before it reaches a diagnostic, a log
// line or memory: the size caps of bodies, the sanitizer of server texts and the redactor of URLs. It imports nothing of the provider, so that the API client and the
// authentication package share one copy of each rule.
package sanitize

// MaxBodyBytes caps every response body after decompression (and its bytes on the wire before):
// a page of 1000 backups with full metadata is about 1.5 MB.
const MaxBodyBytes = 64 << 20

// MaxErrorBodyBytes caps an error response's body; the rest is discarded unread. An error body
// is only ever quoted, and only its start.
const MaxErrorBodyBytes = 64 << 10

// MaxTextBytes bounds a server's text quoted in a diagnostic or a log line: enough to recognise
// an HTML error page or a server's message, not enough to flood a Terraform diagnostic.
const MaxTextBytes = 200
