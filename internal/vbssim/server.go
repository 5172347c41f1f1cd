// Package vbssim is a local simulator of the Huawei Cloud VBS / OpenStack Cinder backup listing
// API (GET /v{2,3}/{project_id}/backups/detail), with a Keystone v3 token service, AK/SK request
// verification, optional TLS and scripted faults, for tests, benchmarks and the demo.
//
// It listens on a loopback address only and never dials anything. Its behaviour follows real
// Cinder (2023.1) where the two differ from intuition (DESIGN.md, "One API, two services"), and it
// does not import the client, so that the client's view of the API is tested against another one.
package vbssim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Defaults of the zero Config: one domain, two projects, a user who is a member of both and an
// administrator, a static token of each, an application credential and an AK/SK pair, all fake.
const (
	DefaultDomainID      = "default"
	DefaultDomainName    = "Default"
	DefaultProjectID     = ExampleProjectID // the project of the API document's example
	DefaultProjectName   = "demo"
	OtherProjectID       = "9e1c3b5a7d2f4e6081a3c5e7f9b1d3a5"
	OtherProjectName     = "other"
	DefaultUserID        = "5f0c3e1b8d2a4c6e9b7a1d3f5e7c9b2a"
	DefaultUserName      = "demo"
	DefaultPassword      = "demo-password"
	DefaultToken         = "vbssim-static-token"
	DefaultAdminUserID   = "a1d2m3i4n5a6b7c8d9e0f1a2b3c4d5e6"
	DefaultAdminUserName = "admin"
	DefaultAdminPassword = "admin-password"
	DefaultAdminToken    = "vbssim-admin-token"
	DefaultAppCredID     = "0f9e8d7c6b5a49382716a5b4c3d2e1f0"
	DefaultAppCredName   = "vbssim-appcred"
	DefaultAppCredSecret = "vbssim-appcred-secret"
	DefaultAccessKey     = "AKVBSSIM0123456789AB"
	DefaultSecretKey     = "SKVBSSIMabcdefghijklmnopqrstuvwxyz0123456"
	DefaultRegion        = "RegionOne"
	SecondRegion         = "RegionTwo"
	DefaultMicroversion  = "3.64"
	DefaultKeystonePath  = "/identity"
)

// Interfaces are the catalog interfaces; each has its own path prefix so tests can tell which one a client chose.
var Interfaces = []string{"public", "internal", "admin"}

// Config configures a Server; every zero value means the documented default.
type Config struct {
	// Addr is the listen address; it must be a loopback IP (default 127.0.0.1:0).
	Addr string
	// Backups is the initial data set, of any number of projects (default none).
	Backups []Backup
	// MaxLimit is Cinder's osapi_max_limit: the page size when limit is absent and the cap on it (default 1000).
	MaxLimit int
	// MaxMicroversion is the highest v3 microversion served, "3.x" (default 3.64).
	MaxMicroversion string
	// LinkHost replaces scheme://host:port in next links, e.g. "http://127.0.0.2:8776", so tests
	// prove clients ignore it (default the request's own).
	LinkHost string
	// BookmarkNextLinks writes next links as the API example does, /{project_id}/backups?…, a path
	// that does not exist here.
	BookmarkNextLinks bool
	// Regions of the catalog (default RegionOne and RegionTwo).
	Regions []string
	// KeystonePath is where Keystone is served; /v3 is appended (default /identity).
	KeystonePath string
	// Projects are the Keystone projects (default "demo" DefaultProjectID and "other" OtherProjectID).
	Projects []Project
	// Users are the Keystone users (default "demo", a member of every project, and "admin", an
	// administrator of every project).
	Users []User
	// AppCredentials are the Keystone application credentials (default one of the first user in the first project).
	AppCredentials []AppCredential
	// Tokens are static API tokens mapped to their project (default DefaultToken for the first project).
	Tokens map[string]string
	// AdminTokens are static API tokens of the first administrator, mapped to their project
	// (default DefaultAdminToken for the first project).
	AdminTokens map[string]string
	// NoAuth also accepts any token of the form user:project, like Cinder's auth_strategy = noauth,
	// whose requests are all an administrator's.
	NoAuth bool
	// Admin treats every caller as an administrator, AK/SK signatures included. An administrator's
	// listing honours all_tenants=1 (every project's backups) and project_id beside it, as Cinder
	// does; anyone else's all_tenants is refused with Cinder's 403 (see StockPolicy).
	Admin bool
	// StockPolicy answers a caller who is not an administrator as Cinder's default policy does,
	// instead of with a 403: all_tenants is dropped without a word (the caller's own project is
	// listed), project_id beside it too before 3.33 and with a 400 from then on, and no backup
	// carries its project or user (the os-backup-project-attr:project_id and user_id of 3.18 and
	// 3.56 are an administrator's).
	StockPolicy bool
	// AccessKeys are the AK/SK credentials (default DefaultAccessKey/DefaultSecretKey).
	AccessKeys []AccessKey
	// TokenTTL is the lifetime of Keystone-issued tokens (default 1h).
	TokenTTL time.Duration
	// Now is the clock of token expiry and the AK/SK date check (default time.Now).
	Now func() time.Time
	// TLS serves HTTPS with a freshly generated CA; see Server.TLSFiles.
	TLS bool
	// RequireClientCert makes the TLS server demand a client certificate signed by its CA.
	RequireClientCert bool
	// CertDir receives the PEM files of TLS (default a temporary directory removed by Close).
	CertDir string
}

// Server is a running (or ready to run) simulator; it is safe for concurrent use.
type Server struct {
	cfg      Config
	maxMinor int
	cfgErr   error

	data     atomic.Pointer[dataset]
	reqSeq   atomic.Int64
	mu       sync.Mutex // guards everything below, and changes of data
	faults   []*armedFault
	log      []*Request // in order of arrival; a status is filled in before the response is written
	tokens   map[string]*token
	tokenSeq int
	srv      *http.Server
	baseURL  string
	tls      TLSFiles
	tempDir  string
}

// Request is one request the simulator received, as tests inspect it.
type Request struct {
	Method   string
	Path     string
	RawQuery string
	Header   http.Header // credentials (tokens, AK/SK signatures) replaced by "REDACTED"; bodies are not kept
	Status   int         // 0 when a fault dropped the connection
	Faulted  bool        // a fault was applied to this request
}

// maxLogged bounds the request log of a long-running simulator (the demo); the oldest entries go first.
const maxLogged = 10000

// secretHeaders are replaced in the request log.
var secretHeaders = []string{"Authorization", "X-Auth-Token", "X-Subject-Token", "X-Security-Token", "Cookie"}

// New returns a server configured by cfg; Start makes it listen. A configuration error is returned by Start.
func New(cfg Config) *Server {
	s := &Server{cfg: withDefaults(cfg), tokens: map[string]*token{}}
	s.data.Store(&dataset{}) // served by no one if the configuration is bad, but safe to inspect
	s.maxMinor, s.cfgErr = parseMicroversion(s.cfg.MaxMicroversion)
	if s.cfgErr == nil && s.maxMinor < 0 {
		s.cfgErr = fmt.Errorf("vbssim: MaxMicroversion %q is not a 3.x microversion", s.cfg.MaxMicroversion)
	}
	if s.cfgErr == nil {
		s.cfgErr = s.SetBackups(s.cfg.Backups)
	}
	for tok, project := range s.cfg.Tokens {
		s.tokens[tok] = s.staticToken(project, false)
	}
	for tok, project := range s.cfg.AdminTokens {
		s.tokens[tok] = s.staticToken(project, true)
	}
	return s
}

// NewTest starts a server for a test and closes it when the test ends; TLS files go to t.TempDir().
func NewTest(t testing.TB, cfg Config) *Server {
	t.Helper()
	if cfg.TLS && cfg.CertDir == "" {
		cfg.CertDir = t.TempDir()
	}
	s := New(cfg)
	if err := s.Start(); err != nil {
		t.Fatalf("vbssim: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

func withDefaults(cfg Config) Config {
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if cfg.MaxLimit <= 0 {
		cfg.MaxLimit = DefaultMaxLimit
	}
	if cfg.MaxMicroversion == "" {
		cfg.MaxMicroversion = DefaultMicroversion
	}
	if cfg.Regions == nil {
		cfg.Regions = []string{DefaultRegion, SecondRegion}
	}
	if cfg.KeystonePath == "" {
		cfg.KeystonePath = DefaultKeystonePath
	}
	cfg.KeystonePath = "/" + strings.Trim(cfg.KeystonePath, "/")
	defaultDomain := Domain{ID: DefaultDomainID, Name: DefaultDomainName}
	if cfg.Projects == nil {
		cfg.Projects = []Project{
			{ID: DefaultProjectID, Name: DefaultProjectName, Domain: defaultDomain},
			{ID: OtherProjectID, Name: OtherProjectName, Domain: defaultDomain},
		}
	}
	if cfg.Users == nil {
		cfg.Users = []User{
			{ID: DefaultUserID, Name: DefaultUserName, Password: DefaultPassword, Domain: defaultDomain},
			{ID: DefaultAdminUserID, Name: DefaultAdminUserName, Password: DefaultAdminPassword, Domain: defaultDomain, Admin: true},
		}
	}
	if cfg.AppCredentials == nil && len(cfg.Projects) > 0 {
		cfg.AppCredentials = []AppCredential{{ID: DefaultAppCredID, Name: DefaultAppCredName,
			Secret: DefaultAppCredSecret, UserID: cfg.Users[0].ID, ProjectID: cfg.Projects[0].ID}}
	}
	if cfg.Tokens == nil && len(cfg.Projects) > 0 {
		cfg.Tokens = map[string]string{DefaultToken: cfg.Projects[0].ID}
	}
	if cfg.AdminTokens == nil && len(cfg.Projects) > 0 {
		cfg.AdminTokens = map[string]string{DefaultAdminToken: cfg.Projects[0].ID}
	}
	if cfg.AccessKeys == nil {
		cfg.AccessKeys = []AccessKey{{AccessKey: DefaultAccessKey, SecretKey: DefaultSecretKey}}
	}
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return cfg
}

// Start listens on the configured loopback address and serves in the background.
func (s *Server) Start() error {
	if s.cfgErr != nil {
		return s.cfgErr
	}
	if err := checkLoopback(s.cfg.Addr); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		return errors.New("vbssim: already started")
	}
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("vbssim: %w", err)
	}
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0), // refused client certificates are expected in tests
	}
	scheme := "http"
	if s.cfg.TLS {
		if ln, err = s.listenTLS(ln); err != nil {
			return err
		}
		scheme = "https"
	}
	s.baseURL = scheme + "://" + ln.Addr().String()
	go s.srv.Serve(ln) //nolint:errcheck // returns ErrServerClosed on Close
	return nil
}

// checkLoopback refuses any address that is not a loopback IP, so that the simulator is never reachable from elsewhere.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("vbssim: listen address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("vbssim: listen address %q is not a loopback IP such as 127.0.0.1", addr)
	}
	return nil
}

// Close stops the server, dropping open connections, and removes a temporary certificate directory.
func (s *Server) Close() {
	s.mu.Lock()
	srv, dir := s.srv, s.tempDir
	s.tempDir = ""
	s.mu.Unlock()
	if srv != nil {
		_ = srv.Close() // only reports closing the listener, which Close is all about
	}
	if dir != "" {
		_ = os.RemoveAll(dir) // best effort: a temporary directory
	}
}

// URL is the server's base URL, e.g. http://127.0.0.1:PORT; empty before Start.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.baseURL
}

// Endpoint is the backup API base URL of version ("v2" or "v3") and a project, e.g. http://127.0.0.1:PORT/v3/{project};
// an empty projectID means the first configured project.
func (s *Server) Endpoint(version, projectID string) string {
	if projectID == "" && len(s.cfg.Projects) > 0 {
		projectID = s.cfg.Projects[0].ID
	}
	return s.URL() + "/" + version + "/" + projectID
}

// CatalogEndpoint is the URL the catalog lists for a region and interface: /{region}/{interface}/{version}/{project}.
func (s *Server) CatalogEndpoint(region, iface, version, projectID string) string {
	return s.URL() + "/" + region + "/" + iface + "/" + version + "/" + projectID
}

// KeystoneURL is the Keystone v3 URL to authenticate against, e.g. http://127.0.0.1:PORT/identity/v3.
func (s *Server) KeystoneURL() string {
	return s.URL() + s.cfg.KeystonePath + "/v3"
}

// Backups returns a copy of the current data set.
func (s *Server) Backups() []Backup {
	return slices.Clone(s.data.Load().backups)
}

// Backup returns the current backup with this id, so a test can state what a client should parse from it.
func (s *Server) Backup(id string) (Backup, bool) {
	d := s.data.Load()
	i, ok := d.index[id]
	if !ok {
		return Backup{}, false
	}
	return d.backups[i], true
}

// SetBackups replaces the data set; ids must be unique and every created_at must parse.
func (s *Server) SetBackups(backups []Backup) error {
	d, err := newDataset(backups)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data.Store(d)
	return nil
}

// Reset restores the configured backups and forgets injected faults and logged requests; issued tokens stay valid.
func (s *Server) Reset() {
	s.SetBackups(s.cfg.Backups) //nolint:errcheck // validated by New
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
	s.log = nil
}

// Requests returns the requests received so far, in order of arrival.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	log := make([]Request, len(s.log))
	for i, e := range s.log {
		log[i] = *e
	}
	return log
}

// BackupRequests counts the requests received so far for listings (…/backups/detail) and for
// single backups (…/backups/{id}), so that a test can assert how many pages a read cost.
func (s *Server) BackupRequests() (listings, gets int) {
	for _, r := range s.Requests() {
		segs := strings.FieldsFunc(r.Path, func(c rune) bool { return c == '/' })
		if n := len(segs); n >= 4 && segs[n-2] == "backups" {
			if segs[n-1] == "detail" {
				listings++
			} else {
				gets++
			}
		}
	}
	return listings, gets
}

// ServeHTTP serves one request: faults first, then the API, Keystone or a version document.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := fmt.Sprintf("req-00000000-0000-4000-8000-%012x", s.reqSeq.Add(1))
	f := s.matchFault(r)
	entry := &Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: redact(r.Header), Faulted: f != nil}
	s.record(entry)

	var resp response
	if f == nil {
		resp = s.route(r, nil, reqID)
	} else if faulted, ok := s.serveFault(w, r, f, reqID); ok {
		resp = faulted
	} else {
		return
	}
	h := w.Header()
	for k, v := range resp.header {
		h[k] = v
	}
	h.Set("X-Openstack-Request-Id", reqID)
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	body := resp.body
	if f != nil {
		body = f.alter(h, body)
	}
	s.mu.Lock()
	entry.Status = resp.status // before the client can see the response and look at the log
	s.mu.Unlock()
	w.WriteHeader(resp.status)
	w.Write(body) //nolint:errcheck // the client went away
}

func (s *Server) record(e *Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.log) >= maxLogged {
		s.log = slices.Delete(s.log, 0, maxLogged/2)
	}
	s.log = append(s.log, e)
}

func redact(h http.Header) http.Header {
	c := h.Clone()
	for _, k := range secretHeaders {
		if c.Get(k) != "" {
			c.Set(k, "REDACTED")
		}
	}
	return c
}

// response is what a handler produces; ServeHTTP writes it, so faults can alter it on the way.
type response struct {
	status int
	header http.Header
	body   []byte
}

// cinderFaultNames are the top-level keys of Cinder's error bodies (cinder/api/openstack/wsgi.py).
var cinderFaultNames = map[int]string{
	400: "badRequest", 401: "unauthorized", 403: "forbidden", 404: "itemNotFound", 405: "badMethod",
	409: "conflictingRequest", 413: "overLimit", 415: "badMediaType", 429: "overLimit",
	501: "notImplemented", 503: "serviceUnavailable",
}

// cinderError is an error as Cinder writes it: {"badRequest": {"code": 400, "message": "…"}}.
func cinderError(status int, message string) response {
	name, ok := cinderFaultNames[status]
	if !ok {
		name = "computeFault"
	}
	body := fmt.Appendf(nil, `{"%s": {"code": %d, "message": `, name, status)
	body = appendString(body, message)
	return response{status: status, body: append(body, "}}"...)}
}

// route dispatches on the path: Keystone, the root version document, or a versioned API path,
// the latter optionally under a catalog prefix /{region}/{interface}.
func (s *Server) route(r *http.Request, f *armedFault, reqID string) response {
	if rest, ok := cutPathPrefix(r.URL.Path, s.cfg.KeystonePath); ok {
		return s.keystone(r, rest)
	}
	segs := strings.FieldsFunc(r.URL.Path, func(c rune) bool { return c == '/' })
	prefix := ""
	if len(segs) >= 2 && slices.Contains(s.cfg.Regions, segs[0]) && slices.Contains(Interfaces, segs[1]) {
		prefix = "/" + segs[0] + "/" + segs[1]
		segs = segs[2:]
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return cinderError(http.StatusMethodNotAllowed, "The method specified is not allowed for this resource.")
	}
	base := requestBase(r) + prefix
	switch {
	case len(segs) == 0:
		// Cinder answers its root with 300 Multiple Choices.
		return s.versions(base, http.StatusMultipleChoices, "v3")
	case segs[0] != "v2" && segs[0] != "v3":
	case len(segs) == 1:
		return s.versions(base, http.StatusOK, segs[0])
	case len(segs) == 4 && segs[2] == "backups" && segs[3] == "detail":
		return s.listBackups(r, segs[0], segs[1], f, reqID)
	case len(segs) == 4 && segs[2] == "backups":
		return s.getBackup(r, segs[0], segs[1], segs[3], reqID)
	}
	return cinderError(http.StatusNotFound, "The resource could not be found.")
}

// cutPathPrefix reports whether path is prefix itself or below it, and returns the rest.
func cutPathPrefix(path, prefix string) (string, bool) {
	rest, ok := strings.CutPrefix(path, prefix)
	if !ok || (rest != "" && rest[0] != '/') {
		return "", false
	}
	return strings.TrimSuffix(rest, "/"), true
}

// requestBase is scheme://host of the request as the client addressed it.
func requestBase(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

// versionDoc is one entry of Cinder's version document.
type versionDoc struct {
	ID         string      `json:"id"`
	Status     string      `json:"status"`
	Version    string      `json:"version"`
	MinVersion string      `json:"min_version"`
	Updated    string      `json:"updated"`
	Links      []linkDoc   `json:"links"`
	MediaTypes []mediaType `json:"media-types"`
}

type linkDoc struct {
	Rel  string `json:"rel"`
	Href string `json:"href"`
	Type string `json:"type,omitempty"`
}

type mediaType struct {
	Base string `json:"base"`
	Type string `json:"type"`
}

// versions answers a version document listing only version (v2 or v3) in Cinder's form, which
// gophercloud's utils.GetSupportedMicroversions reads; v2 has no microversions.
func (s *Server) versions(base string, status int, version string) response {
	doc := versionDoc{
		ID: "v3.0", Status: "CURRENT", Version: s.cfg.MaxMicroversion, MinVersion: "3.0", Updated: "2023-03-01T00:00:00Z",
		Links:      []linkDoc{{Rel: "describedby", Type: "text/html", Href: "https://docs.openstack.org/"}, {Rel: "self", Href: base + "/v3/"}},
		MediaTypes: []mediaType{{Base: "application/json", Type: "application/vnd.openstack.volume+json;version=3"}},
	}
	if version == "v2" {
		doc.ID, doc.Status, doc.Version, doc.MinVersion, doc.Updated = "v2.0", "DEPRECATED", "", "", "2017-02-25T12:00:00Z"
		doc.Links[1].Href = base + "/v2/"
		doc.MediaTypes[0].Type = "application/vnd.openstack.volume+json;version=2"
	}
	return jsonResponse(status, map[string]any{"versions": []versionDoc{doc}})
}

// jsonResponse marshals v, which never fails for the simulator's own documents.
func jsonResponse(status int, v any) response {
	body, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return response{status: status, body: body}
}

// sleep waits d unless ctx ends first, and reports whether it waited all of d.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
