// Package aksk implements Huawei Cloud's SDK-HMAC-SHA256 request signing (AK/SK), both the
// client side (Signer, Transport) and the gateway side (Verify) used by the test simulator.
//
// The canonical form follows Huawei's official Go SDK signer byte for byte, because the gateway
// recomputes the signature from it; testdata/aksk-signing-vectors.json pins that down.
package aksk

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// Algorithm is the signing algorithm named in the Authorization header.
const Algorithm = "SDK-HMAC-SHA256"

// Header names the signer sets and signs.
const (
	// HeaderAuthorization carries algorithm, access key, signed header names and signature.
	HeaderAuthorization = "Authorization"
	// HeaderDate is the signing time; the gateway rejects one more than 15 minutes off.
	HeaderDate = "X-Sdk-Date"
	// HeaderProjectID names the project, signed so that it cannot be swapped.
	HeaderProjectID = "X-Project-Id"
	// HeaderSecurityToken carries the token of temporary credentials.
	HeaderSecurityToken = "X-Security-Token"
)

// DateFormat is the layout of X-Sdk-Date (always UTC).
const DateFormat = "20060102T150405Z"

// signedOptional are the headers signed whenever present; host and x-sdk-date are always signed.
var signedOptional = []string{HeaderProjectID, HeaderSecurityToken}

// Signer signs requests with an access key / secret key pair.
type Signer struct {
	AccessKey     string
	SecretKey     string
	SecurityToken string // temporary credentials only; sent as X-Security-Token
	ProjectID     string // sent as X-Project-Id
	Now           func() time.Time
}

// Sign sets X-Sdk-Date, X-Project-Id, X-Security-Token and Authorization on r; body is r's body.
func (s Signer) Sign(r *http.Request, body []byte) error {
	if s.AccessKey == "" || s.SecretKey == "" {
		return errors.New("aksk: access key and secret key are both required to sign a request")
	}
	r.Header.Set(HeaderDate, s.now().UTC().Format(DateFormat))
	setIfNotEmpty(r.Header, HeaderProjectID, s.ProjectID)
	setIfNotEmpty(r.Header, HeaderSecurityToken, s.SecurityToken)
	signed := signedHeaderNames(r.Header)
	sig := signature(s.SecretKey, r, body, signed)
	r.Header.Set(HeaderAuthorization, authorizationValue(s.AccessKey, signed, sig))
	return nil
}

func (s Signer) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func setIfNotEmpty(h http.Header, key, value string) {
	if value != "" {
		h.Set(key, value)
	}
}

// signedHeaderNames lists, lower-cased and sorted, the headers a signature covers.
func signedHeaderNames(h http.Header) []string {
	names := []string{"host", strings.ToLower(HeaderDate)}
	for _, k := range signedOptional {
		if h.Get(k) != "" {
			names = append(names, strings.ToLower(k))
		}
	}
	sort.Strings(names)
	return names
}

func authorizationValue(accessKey string, signed []string, sig string) string {
	return fmt.Sprintf("%s Access=%s, SignedHeaders=%s, Signature=%s",
		Algorithm, accessKey, strings.Join(signed, ";"), sig)
}

// signature is the hex HMAC-SHA256, keyed with the secret key, of the string to sign.
func signature(secretKey string, r *http.Request, body []byte, signed []string) string {
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(stringToSign(r, body, signed)))
	return hex.EncodeToString(mac.Sum(nil))
}

func stringToSign(r *http.Request, body []byte, signed []string) string {
	return Algorithm + "\n" + r.Header.Get(HeaderDate) + "\n" + hexSHA256([]byte(canonicalRequest(r, body, signed)))
}

// canonicalRequest is method, URI, query, header lines, an empty line, signed names and body hash.
func canonicalRequest(r *http.Request, body []byte, signed []string) string {
	return strings.Join([]string{
		r.Method,
		canonicalURI(r.URL.Path),
		canonicalQuery(r),
		canonicalHeaders(r, signed),
		strings.Join(signed, ";"),
		hexSHA256(body),
	}, "\n")
}

func hexSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// canonicalURI escapes each segment of the decoded path and ends it with "/", as Huawei's signer does.
func canonicalURI(path string) string {
	segments := strings.Split(path, "/")
	for i, seg := range segments {
		segments[i] = escape(seg)
	}
	uri := strings.Join(segments, "/")
	if !strings.HasSuffix(uri, "/") {
		uri += "/"
	}
	return uri
}

// canonicalQuery sorts keys, then each key's values, and escapes both (a space becomes %20).
func canonicalQuery(r *http.Request) string {
	query := r.URL.Query()
	keys := make([]string, 0, len(query))
	for k := range query {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var pairs []string
	for _, k := range keys {
		values := append([]string(nil), query[k]...)
		sort.Strings(values)
		for _, v := range values {
			pairs = append(pairs, escape(k)+"="+escape(v))
		}
	}
	return strings.Join(pairs, "&")
}

// canonicalHeaders writes "name:value" per signed header value, each line ending in "\n".
func canonicalHeaders(r *http.Request, signed []string) string {
	var b strings.Builder
	for _, name := range signed {
		values := headerValues(r, name)
		sort.Strings(values)
		for _, v := range values {
			b.WriteString(name + ":" + strings.TrimSpace(v) + "\n")
		}
	}
	return b.String()
}

// headerValues reads host from the request line because net/http keeps it out of r.Header.
func headerValues(r *http.Request, name string) []string {
	if name == "host" {
		return []string{requestHost(r)}
	}
	return append([]string(nil), r.Header.Values(name)...)
}

func requestHost(r *http.Request) string {
	if r.Host != "" {
		return r.Host
	}
	return r.URL.Host
}

// escape percent-encodes every byte except RFC 3986 unreserved characters, upper-case hex.
func escape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&0x0f])
	}
	return b.String()
}

func isUnreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}
