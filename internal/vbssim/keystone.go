package vbssim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// Domain is a Keystone domain.
type Domain struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Project is a Keystone project.
type Project struct {
	ID     string
	Name   string
	Domain Domain
}

// User is a Keystone user with a password.
type User struct {
	ID         string
	Name       string
	Password   string
	Domain     Domain
	ProjectIDs []string // projects the user may scope to; nil means every project
	// Admin gives the user the admin role in every project it may scope to: its tokens list the
	// API as an administrator.
	Admin bool
}

// AppCredential is a Keystone application credential, bound to its user and project.
type AppCredential struct {
	ID        string
	Name      string
	Secret    string
	UserID    string
	ProjectID string
}

// AccessKey is a Huawei Cloud AK/SK pair.
type AccessKey struct {
	AccessKey string
	SecretKey string
	// SecurityToken, when set, must arrive as X-Security-Token (temporary credentials).
	SecurityToken string
}

// token is an API token: issued by Keystone or configured statically.
type token struct {
	user    *User
	project *Project // nil for an unscoped or domain-scoped token, which the API refuses
	domain  *Domain  // domain scope
	methods []string
	appCred *AppCredential
	noAuth  bool // Cinder's noauth user:project, an administrator's
	issued  time.Time
	expires time.Time
}

func (t *token) projectID() string {
	if t.project == nil {
		return ""
	}
	return t.project.ID
}

func (s *Server) project(id string) *Project {
	i := slices.IndexFunc(s.cfg.Projects, func(p Project) bool { return p.ID == id })
	if i < 0 {
		return nil
	}
	return &s.cfg.Projects[i]
}

func (s *Server) user(id string) *User {
	i := slices.IndexFunc(s.cfg.Users, func(u User) bool { return u.ID == id })
	if i < 0 {
		return nil
	}
	return &s.cfg.Users[i]
}

func (u *User) memberOf(projectID string) bool {
	return u.ProjectIDs == nil || slices.Contains(u.ProjectIDs, projectID)
}

// staticToken scopes a configured token to its project, and to the project's first member (an
// administrator, or one who is not) so that Keystone can validate it too; a project Keystone does
// not know still works on the API. It does not expire in any test's lifetime.
func (s *Server) staticToken(projectID string, admin bool) *token {
	now := s.cfg.Now()
	t := &token{methods: []string{"token"}, project: s.project(projectID), issued: now, expires: now.AddDate(100, 0, 0)}
	if t.project == nil {
		t.project = &Project{ID: projectID, Name: projectID, Domain: Domain{ID: DefaultDomainID, Name: DefaultDomainName}}
	}
	for i := range s.cfg.Users {
		if u := &s.cfg.Users[i]; u.memberOf(projectID) && u.Admin == admin {
			t.user = u
			break
		}
	}
	return t
}

// admin reports whether the token lists the API as an administrator.
func (t *token) admin() bool { return t.noAuth || t.user != nil && t.user.Admin }

// lookupToken returns a valid token by id, or nil.
func (s *Server) lookupToken(id string) *token {
	s.mu.Lock()
	t := s.tokens[id]
	s.mu.Unlock()
	if t == nil || !s.cfg.Now().Before(t.expires) {
		return nil
	}
	return t
}

// keystoneError is Keystone's error body, also used by keystonemiddleware in front of Cinder.
func keystoneError(status int, title, message string) response {
	return jsonResponse(status, map[string]any{"error": map[string]any{"code": status, "title": title, "message": message}})
}

var errUnauthorized = keystoneError(http.StatusUnauthorized, "Unauthorized", "The request you have made requires authentication.")

// keystone serves the identity API below the Keystone path; rest starts with "/v3" or is empty.
func (s *Server) keystone(r *http.Request, rest string) response {
	self := requestBase(r) + s.cfg.KeystonePath + "/v3/"
	version := map[string]any{
		"id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
		"links":       []linkDoc{{Rel: "self", Href: self}},
		"media-types": []mediaType{{Base: "application/json", Type: "application/vnd.openstack.identity-v3+json"}},
	}
	switch {
	case rest == "" && r.Method == http.MethodGet:
		// The unversioned document, which gophercloud reads when auth_url has no version.
		return jsonResponse(http.StatusMultipleChoices, map[string]any{"versions": map[string]any{"values": []any{version}}})
	case rest == "/v3" && r.Method == http.MethodGet:
		return jsonResponse(http.StatusOK, map[string]any{"version": version})
	case rest == "/v3/auth/tokens" && r.Method == http.MethodPost:
		return s.issueToken(r)
	case rest == "/v3/auth/tokens" && r.Method == http.MethodGet:
		return s.validateToken(r)
	}
	return keystoneError(http.StatusNotFound, "Not Found", "The resource could not be found.")
}

// authRequest is the body of POST /v3/auth/tokens.
type authRequest struct {
	Auth struct {
		Identity struct {
			Methods  []string `json:"methods"`
			Password *struct {
				User userRef `json:"user"`
			} `json:"password"`
			Token *struct {
				ID string `json:"id"`
			} `json:"token"`
			ApplicationCredential *struct {
				ID     string   `json:"id"`
				Name   string   `json:"name"`
				Secret string   `json:"secret"`
				User   *userRef `json:"user"`
			} `json:"application_credential"`
		} `json:"identity"`
		Scope *struct {
			Project *projectRef `json:"project"`
			Domain  *domainRef  `json:"domain"`
		} `json:"scope"`
	} `json:"auth"`
}

type userRef struct {
	ID       string     `json:"id"`
	Name     string     `json:"name"`
	Password string     `json:"password"`
	Domain   *domainRef `json:"domain"`
}

type projectRef struct {
	ID     string     `json:"id"`
	Name   string     `json:"name"`
	Domain *domainRef `json:"domain"`
}

type domainRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func (d *domainRef) matches(domain Domain) bool {
	return d != nil && ((d.ID != "" && d.ID == domain.ID) || (d.ID == "" && d.Name != "" && d.Name == domain.Name))
}

// findUser resolves a user reference: by id, or by name within a domain given by id or name.
func (s *Server) findUser(ref *userRef) *User {
	for i := range s.cfg.Users {
		u := &s.cfg.Users[i]
		if (ref.ID != "" && ref.ID == u.ID) || (ref.ID == "" && ref.Name == u.Name && ref.Domain.matches(u.Domain)) {
			return u
		}
	}
	return nil
}

// issueToken implements the password, token (rescope) and application_credential methods.
func (s *Server) issueToken(r *http.Request) response {
	var req authRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		return keystoneError(http.StatusBadRequest, "Bad Request", "Invalid JSON in the request body: "+err.Error())
	}
	id := req.Auth.Identity
	if len(id.Methods) != 1 {
		return errUnauthorized
	}
	now := s.cfg.Now()
	t := &token{methods: id.Methods, issued: now, expires: now.Add(s.cfg.TokenTTL)}
	switch method := id.Methods[0]; {
	case method == "password" && id.Password != nil:
		t.user = s.findUser(&id.Password.User)
		if t.user == nil || t.user.Password != id.Password.User.Password {
			return errUnauthorized
		}
	case method == "token" && id.Token != nil:
		old := s.lookupToken(id.Token.ID)
		if old == nil || old.user == nil {
			return errUnauthorized
		}
		// A rescoped token keeps the user, the expiry and, without a new scope, the scope.
		t.user, t.project, t.domain, t.expires = old.user, old.project, old.domain, old.expires
	case method == "application_credential" && id.ApplicationCredential != nil:
		ac := id.ApplicationCredential
		i := slices.IndexFunc(s.cfg.AppCredentials, func(c AppCredential) bool {
			if ac.ID != "" {
				return c.ID == ac.ID
			}
			var u *User
			if ac.User != nil {
				u = s.findUser(ac.User)
			}
			return c.Name == ac.Name && u != nil && u.ID == c.UserID
		})
		if i < 0 || s.cfg.AppCredentials[i].Secret != ac.Secret {
			return errUnauthorized
		}
		t.appCred = &s.cfg.AppCredentials[i]
		t.user, t.project = s.user(t.appCred.UserID), s.project(t.appCred.ProjectID)
		if t.user == nil || t.project == nil {
			return errUnauthorized
		}
	default:
		return errUnauthorized
	}
	if sc := req.Auth.Scope; sc != nil {
		if fail := s.scope(t, sc.Project, sc.Domain); fail != nil {
			return *fail
		}
	}
	s.mu.Lock()
	s.tokenSeq++
	tokenID := fmt.Sprintf("vbssim-keystone-token-%06d", s.tokenSeq)
	s.tokens[tokenID] = t
	s.mu.Unlock()
	resp := s.tokenResponse(http.StatusCreated, t)
	resp.header = http.Header{"X-Subject-Token": {tokenID}}
	return resp
}

// scope applies a requested scope to t. Like Keystone, an application credential may not
// request one: it is bound to its project.
func (s *Server) scope(t *token, project *projectRef, domain *domainRef) *response {
	if t.appCred != nil && (project != nil || domain != nil) {
		return &errUnauthorized
	}
	switch {
	case project != nil:
		i := slices.IndexFunc(s.cfg.Projects, func(p Project) bool {
			return (project.ID != "" && p.ID == project.ID) || (project.ID == "" && p.Name == project.Name && project.Domain.matches(p.Domain))
		})
		if i < 0 || !t.user.memberOf(s.cfg.Projects[i].ID) {
			return &errUnauthorized
		}
		t.project, t.domain = &s.cfg.Projects[i], nil
	case domain != nil:
		// Only the user's own domain: enough to give clients a token the API refuses.
		if !domain.matches(t.user.Domain) {
			return &errUnauthorized
		}
		t.project, t.domain = nil, &t.user.Domain
	}
	return nil
}

// validateToken is GET /v3/auth/tokens, which gophercloud uses to pass a token through without rescoping.
func (s *Server) validateToken(r *http.Request) response {
	if s.lookupToken(r.Header.Get("X-Auth-Token")) == nil {
		return errUnauthorized
	}
	subject := r.Header.Get("X-Subject-Token")
	t := s.lookupToken(subject)
	if t == nil || t.user == nil {
		return keystoneError(http.StatusNotFound, "Not Found", "Could not find token: "+subject+".")
	}
	resp := s.tokenResponse(http.StatusOK, t)
	resp.header = http.Header{"X-Subject-Token": {subject}}
	return resp
}

// tokenResponse is Keystone's token body; a project-scoped token carries the catalog.
func (s *Server) tokenResponse(status int, t *token) response {
	body := map[string]any{
		"methods":    t.methods,
		"user":       map[string]any{"id": t.user.ID, "name": t.user.Name, "domain": t.user.Domain, "password_expires_at": nil},
		"audit_ids":  []string{"vbssim-audit"},
		"issued_at":  keystoneTime(t.issued),
		"expires_at": keystoneTime(t.expires),
		"catalog":    []any{},
	}
	if t.project != nil {
		body["project"] = map[string]any{"id": t.project.ID, "name": t.project.Name, "domain": t.project.Domain}
		body["is_domain"] = false
		roles := []map[string]string{{"id": "0b0c0d0e0f1011121314151617181920", "name": "member"}, {"id": "2122232425262728292a2b2c2d2e2f30", "name": "reader"}}
		if t.admin() {
			roles = append(roles, map[string]string{"id": "3132333435363738393a3b3c3d3e3f40", "name": "admin"})
		}
		body["roles"] = roles
		body["catalog"] = s.catalog(t.project.ID)
	}
	if t.domain != nil {
		body["domain"] = t.domain
	}
	if t.appCred != nil {
		body["application_credential"] = map[string]any{"id": t.appCred.ID, "name": t.appCred.Name, "restricted": true}
	}
	return jsonResponse(status, map[string]any{"token": body})
}

// keystoneTime is Keystone's timestamp form, which gophercloud decodes as RFC 3339.
func keystoneTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000Z")
}

// catalogService is one service of the catalog.
type catalogService struct {
	ID        string            `json:"id"`
	Type      string            `json:"type"`
	Name      string            `json:"name"`
	Endpoints []catalogEndpoint `json:"endpoints"`
}

type catalogEndpoint struct {
	ID        string `json:"id"`
	Interface string `json:"interface"`
	Region    string `json:"region"`
	RegionID  string `json:"region_id"`
	URL       string `json:"url"`
}

// catalog lists the backup API under each service type a client may look for, in every region and
// interface, each at its own path prefix; identity is listed as Keystone does.
func (s *Server) catalog(projectID string) []catalogService {
	services := []catalogService{
		{Type: "identity", Name: "keystone"},
		{Type: "block-storage", Name: "cinder"},
		{Type: "volumev3", Name: "cinderv3"},
		{Type: "volumev2", Name: "cinderv2"},
	}
	for i := range services {
		svc := &services[i]
		svc.ID = fmt.Sprintf("%032x", i+1)
		for _, region := range s.cfg.Regions {
			for _, iface := range Interfaces {
				url := s.KeystoneURL()
				switch svc.Type {
				case "volumev2":
					url = s.CatalogEndpoint(region, iface, "v2", projectID)
				case "block-storage", "volumev3":
					url = s.CatalogEndpoint(region, iface, "v3", projectID)
				}
				svc.Endpoints = append(svc.Endpoints, catalogEndpoint{
					ID: fmt.Sprintf("%s-%s-%s", svc.Type, region, iface), Interface: iface, Region: region, RegionID: region, URL: url,
				})
			}
		}
	}
	return services
}
