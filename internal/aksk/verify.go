package aksk

import (
	"crypto/hmac"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"
)

// Errors Verify wraps, so that a gateway simulator can map each onto its own status and code.
var (
	// ErrMissingAuthorization means the request is not signed at all.
	ErrMissingAuthorization = errors.New("aksk: missing Authorization header")
	// ErrMalformed means the Authorization or X-Sdk-Date header cannot be used.
	ErrMalformed = errors.New("aksk: malformed signature")
	// ErrUnknownAccessKey means no secret key is known for the access key.
	ErrUnknownAccessKey = errors.New("aksk: unknown access key")
	// ErrDateSkew means X-Sdk-Date is further from the server's clock than allowed.
	ErrDateSkew = errors.New("aksk: X-Sdk-Date out of range")
	// ErrSignatureMismatch means the signature is not the one the secret key gives.
	ErrSignatureMismatch = errors.New("aksk: signature does not match")
)

// authorization is the parsed Authorization header.
type authorization struct {
	accessKey string
	signed    []string
	signature string
}

// Verify recomputes the signature of a received request and checks it and its date; its errors
// never contain the secret key or the expected signature, so they can be sent to the client.
func Verify(r *http.Request, body []byte, secretKeyFor func(accessKey string) (string, bool), now time.Time, maxSkew time.Duration) error {
	auth, err := parseAuthorization(r.Header.Get(HeaderAuthorization))
	if err != nil {
		return err
	}
	if err := checkSignedHeaders(r, auth.signed); err != nil {
		return err
	}
	if err := checkDate(r.Header.Get(HeaderDate), now, maxSkew); err != nil {
		return err
	}
	secret, ok := secretKeyFor(auth.accessKey)
	if !ok {
		return fmt.Errorf("%w %q", ErrUnknownAccessKey, auth.accessKey)
	}
	want := signature(secret, r, body, auth.signed)
	if !hmac.Equal([]byte(want), []byte(auth.signature)) {
		return fmt.Errorf("%w for access key %q", ErrSignatureMismatch, auth.accessKey)
	}
	return nil
}

func parseAuthorization(value string) (authorization, error) {
	if value == "" {
		return authorization{}, ErrMissingAuthorization
	}
	rest, ok := strings.CutPrefix(value, Algorithm+" ")
	if !ok {
		return authorization{}, fmt.Errorf("%w: Authorization does not start with %q", ErrMalformed, Algorithm)
	}
	fields := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, found := strings.Cut(strings.TrimSpace(part), "=")
		if !found {
			return authorization{}, fmt.Errorf("%w: Authorization part %q is not key=value", ErrMalformed, k)
		}
		fields[k] = v
	}
	auth := authorization{accessKey: fields["Access"], signature: fields["Signature"]}
	if auth.accessKey == "" || auth.signature == "" || fields["SignedHeaders"] == "" {
		return authorization{}, fmt.Errorf("%w: Authorization needs Access, SignedHeaders and Signature", ErrMalformed)
	}
	auth.signed = strings.Split(fields["SignedHeaders"], ";")
	return auth, nil
}

// checkSignedHeaders insists on host, the date and any credential header being covered, so
// that a captured signature cannot be replayed at another time, host or with another token.
func checkSignedHeaders(r *http.Request, signed []string) error {
	if !sort.StringsAreSorted(signed) {
		return fmt.Errorf("%w: SignedHeaders must be sorted", ErrMalformed)
	}
	for _, name := range signed {
		if name != strings.ToLower(name) || name == "" {
			return fmt.Errorf("%w: SignedHeaders must be lower-case names", ErrMalformed)
		}
	}
	required := []string{"host", strings.ToLower(HeaderDate)}
	for _, k := range signedOptional {
		if r.Header.Get(k) != "" {
			required = append(required, strings.ToLower(k))
		}
	}
	for _, name := range required {
		if !slices.Contains(signed, name) {
			return fmt.Errorf("%w: SignedHeaders must include %s", ErrMalformed, name)
		}
	}
	return nil
}

func checkDate(value string, now time.Time, maxSkew time.Duration) error {
	date, err := time.Parse(DateFormat, value)
	if err != nil {
		return fmt.Errorf("%w: %s %q is not in the form %s", ErrMalformed, HeaderDate, value, DateFormat)
	}
	skew := now.Sub(date)
	if skew > maxSkew || -skew > maxSkew {
		return fmt.Errorf("%w: %s is %s away from the server's clock, more than %s",
			ErrDateSkew, value, skew.Abs().Round(time.Second), maxSkew)
	}
	return nil
}
