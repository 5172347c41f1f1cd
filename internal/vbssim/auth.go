package vbssim

import (
	"crypto/subtle"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/aksk"
)

// maxDateSkew is how far X-Sdk-Date may be from the gateway's clock.
const maxDateSkew = 15 * time.Minute

// authorize checks the request's credentials against the project in its URL and returns the
// error response, or nil: AK/SK when the Authorization header says so, otherwise X-Auth-Token.
func (s *Server) authorize(r *http.Request, urlProject, reqID string) *response {
	if strings.HasPrefix(r.Header.Get(aksk.HeaderAuthorization), aksk.Algorithm+" ") {
		return s.authorizeAKSK(r, urlProject, reqID)
	}
	t := s.apiToken(r.Header.Get("X-Auth-Token"))
	if t == nil {
		resp := errUnauthorized
		// keystonemiddleware tells the client where to authenticate.
		resp.header = http.Header{"Www-Authenticate": {`Keystone uri="` + s.KeystoneURL() + `"`}}
		return &resp
	}
	if t.projectID() != urlProject {
		// Cinder's check that the URL's project is the token's, which also refuses unscoped tokens.
		resp := cinderError(http.StatusBadRequest, "Malformed request url")
		return &resp
	}
	return nil
}

// apiToken resolves a token the API accepts: configured, Keystone-issued, or with NoAuth user:project.
func (s *Server) apiToken(id string) *token {
	if id == "" {
		return nil
	}
	if t := s.lookupToken(id); t != nil {
		return t
	}
	if !s.cfg.NoAuth {
		return nil
	}
	// Cinder's NoAuthMiddleware: "user:project", or a bare "user" that is its own project.
	user, project, _ := strings.Cut(id, ":")
	if project == "" {
		project = user
	}
	return &token{project: &Project{ID: project}, noAuth: true}
}

// authorizeAKSK verifies a Huawei SDK-HMAC-SHA256 signature and the project in X-Project-Id.
func (s *Server) authorizeAKSK(r *http.Request, urlProject, reqID string) *response {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return apigwError(reqID, "Incorrect IAM authentication information: cannot read the request body")
	}
	var key *AccessKey
	err = aksk.Verify(r, body, func(ak string) (string, bool) {
		i := slices.IndexFunc(s.cfg.AccessKeys, func(k AccessKey) bool { return k.AccessKey == ak })
		if i < 0 {
			return "", false
		}
		key = &s.cfg.AccessKeys[i]
		return key.SecretKey, true
	}, s.cfg.Now(), maxDateSkew)
	switch {
	case err != nil:
		return apigwError(reqID, "Incorrect IAM authentication information: "+err.Error())
	case key.SecurityToken != "" &&
		subtle.ConstantTimeCompare([]byte(r.Header.Get(aksk.HeaderSecurityToken)), []byte(key.SecurityToken)) != 1:
		return apigwError(reqID, "Incorrect IAM authentication information: X-Security-Token is missing or wrong")
	case r.Header.Get(aksk.HeaderProjectID) != urlProject:
		return apigwError(reqID, "Incorrect IAM authentication information: X-Project-Id does not match the project in the URL")
	case s.project(urlProject) == nil:
		// The keys belong to the account and sign for any of its projects, and for no other.
		return apigwError(reqID, "Incorrect IAM authentication information: the project is not one of the account's")
	}
	return nil
}

// admin reports whether the request's credentials list the API as an administrator: Config.Admin,
// or a token of one (a noauth token is always). authorize has accepted them.
func (s *Server) admin(r *http.Request) bool {
	if s.cfg.Admin {
		return true
	}
	if strings.HasPrefix(r.Header.Get(aksk.HeaderAuthorization), aksk.Algorithm+" ") {
		return false
	}
	t := s.apiToken(r.Header.Get("X-Auth-Token"))
	return t != nil && t.admin()
}

// apigwError is the Huawei API gateway's authentication failure.
func apigwError(reqID, message string) *response {
	resp := jsonResponse(http.StatusUnauthorized, map[string]string{
		"error_msg": message, "error_code": "APIGW.0301", "request_id": reqID,
	})
	return &resp
}
