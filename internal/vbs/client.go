// Package vbs is the client of the volume backup API shared by Huawei Cloud VBS
// (/v2/{project_id}/backups/detail) and OpenStack Cinder (/v3/{project_id}/backups/detail).
//
// It has no Terraform imports so that it can be unit-tested and reused on its own.
package vbs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/sanitize"
)

// maxPageBytes bounds one page, so that a misbehaving server cannot exhaust memory (it is far above
// a full page of backups with every member set). It is the HTTP policy's own cap, enforced here again
// for a service client that was not built by internal/auth.
const maxPageBytes = sanitize.MaxBodyBytes

// Client lists backups through a gophercloud service client, whose authentication, reauthentication,
// retries, microversion and headers apply to every request.
//
// It walks the pages itself instead of using gophercloud's pagination package, which decodes every
// page into map[string]interface{} (slower for large listings) and follows next links
// verbatim: Cinder copies offset into every next link (so each later page would skip offset rows
// again), and next links may name an internal host, or, in the API's own example, a wrong path.
type Client struct {
	sc  *gophercloud.ServiceClient
	api API

	// Log, when set, receives one debug message per page (number, URL without credentials, count,
	// whether a next link followed); it is never handed a secret.
	Log func(ctx context.Context, msg string, fields map[string]any)
}

// NewClient returns a Client that sends its requests through sc, whose endpoint is the API's base
// URL including version and project (…/v3/{project_id}/). api describes that endpoint as the
// connection decided it (internal/auth's Service): its API version, and the microversion that sc
// sends; the client reads the answers by it.
func NewClient(sc *gophercloud.ServiceClient, api API) *Client {
	return &Client{sc: sc, api: api}
}

// EachPage walks the listing that opts select and hands the backups to fn a page at a time, in the
// order the API returned them, instead of keeping them all: fn receives the backups of each page
// that it has not seen before and that pass opts.Filter (a page adding none is skipped), and may
// keep the slice, which is new for every call. An error of fn stops the walk and is returned as is.
func (c *Client) EachPage(ctx context.Context, opts ListOpts, fn func(page []Backup) error) (*WalkSummary, error) {
	sel, err := c.newSelection(&opts, false)
	if err != nil {
		return nil, err
	}
	var unreadable Unreadables
	var page []Backup
	var count tally
	sizeHint := 0 // the size of the last page, likely that of the next
	pages, err := walk(ctx, c, opts, func(j *backupJSON) bool {
		b := j.backup()
		if !sel.match(&b) {
			return false
		}
		unreadable.Add(&b) // only the backups handed on: the warning speaks of those
		if page == nil {
			page = make([]Backup, 0, sizeHint)
		}
		page = append(page, b)
		return true
	}, func(size int) (bool, error) {
		p := page
		page, sizeHint = nil, size
		stop, err := sel.endPage()
		if err != nil || len(p) == 0 {
			return stop, err
		}
		return stop, fn(p)
	}, &count)
	sum, err := c.conclude(ctx, sel, &opts, pages, &count, err)
	if err != nil {
		return nil, err
	}
	sum.Unreadable = unreadable
	return &sum, nil
}

// SelectBackupIDs returns the ids of the backups that opts select, each once, in the order the API
// returned them; it decodes nothing but the ids and what the filters of opts read.
func (c *Client) SelectBackupIDs(ctx context.Context, opts ListOpts) (*IDsResult, error) {
	sel, err := c.newSelection(&opts, false)
	if err != nil {
		return nil, err
	}
	res := &IDsResult{}
	var pages int
	var count tally
	switch {
	case !opts.Filter.Active() && !opts.hasAPIFilter() && !opts.readsProject():
		pages, err = walk(ctx, c, opts, func(j *idMember) bool {
			res.IDs = append(res.IDs, j.id.v)
			return true
		}, nil, &count)
	case !opts.Filter.Active() && !opts.readsProject():
		pages, err = walk(ctx, c, opts, func(j *apiFilterMembers) bool {
			b := j.partial()
			match := sel.match(&b)
			if match {
				res.IDs = append(res.IDs, b.ID)
			}
			return match
		}, nil, &count) // no client-side filter: nothing relies on the order
	default:
		pages, err = walk(ctx, c, opts, func(j *selectionMembers) bool {
			b := j.partial(opts.Filter.Incremental != nil)
			match := sel.match(&b)
			if match {
				res.IDs = append(res.IDs, b.ID)
			}
			return match
		}, func(int) (bool, error) { return sel.endPage() }, &count)
	}
	if res.WalkSummary, err = c.conclude(ctx, sel, &opts, pages, &count, err); err != nil {
		return nil, err
	}
	return res, nil
}

// IDsResult is the outcome of SelectBackupIDs.
type IDsResult struct {
	IDs []string
	WalkSummary
}

// decodedBackup is a backup decoded, in full or in part, that can tell its id.
type decodedBackup[T any] interface {
	*T
	json.Unmarshaler
	backupID() (string, bool)
}

// maxStalledPages is how many pages in a row may add no backup not seen before: a server whose
// next links move on without its pages doing so (a marker cycle, a counter in the link) would
// otherwise be followed until the read timeout, thousands of requests a second.
const maxStalledPages = 3

// walk requests the pages of a listing and hands each backup not seen before to keep, which reports
// whether it kept the backup (Limit counts those), until the server has no next page, a page is
// empty, opts.Limit backups were kept, or pageDone says stop. After the backups of each page it
// calls pageDone, unless nil, with the size of the page: whether no later page can hold a backup to
// keep is decided there, at the end of a page, never in the middle of one. An error of pageDone
// stops the walk. It returns how many pages it requested.
//
// What a server sends steers nothing but the marker: each request is the configured endpoint with
// the configured query and the marker of the last next link. A walk that makes no progress, by
// repeating a marker or with maxStalledPages pages in a row that add no backup, is an error, so
// that the requests are bounded by the backups kept whatever the links look like.
func walk[T any, P decodedBackup[T]](ctx context.Context, c *Client, opts ListOpts, keep func(P) bool, pageDone func(size int) (stop bool, err error), t *tally) (int, error) {
	if err := opts.Validate(); err != nil {
		return 0, err
	}
	opts.Count = opts.Count && t != nil && c.api.has(countMinor) // below 3.45 Cinder reads with_count as a filter
	if t == nil {
		t = &tally{}
	}
	// Like sc.ServiceURL("backups", "detail"), but without relying on the endpoint's trailing "/",
	// which gophercloud adds to catalog endpoints and a hand-built client may lack.
	base := strings.TrimSuffix(c.sc.ResourceBaseURL(), "/") + "/backups/detail"
	query := opts.Query()
	marker := ""
	markers := map[string]int{} // marker -> the page it was requested for, so that a server repeating itself cannot loop us
	seen := map[string]struct{}{}
	var kept int64
	stalled := 0     // pages in a row that added no backup not seen before
	stopped := false // pageDone said no later page can hold a backup to keep
	t.whole = true   // until a backup is left unseen
	for page := 1; ; page++ {
		if err := ctx.Err(); err != nil {
			return page - 1, fmt.Errorf("listing backups stopped before page %d: %w", page, err)
		}
		u := base
		if len(query) > 0 {
			u += "?" + query.Encode()
		}
		if first, ok := markers[marker]; ok {
			return page - 1, fmt.Errorf("server repeated a next link after page %d: %s was page %d already",
				page-1, RedactURL(u), first)
		}
		markers[marker] = page

		resp, err := c.get(ctx, page, u)
		if err != nil {
			return page, err
		}
		if page == 1 && opts.Count {
			t.counted = pageCount(resp.body)
		}
		added := 0
		size, next, err := decodePage(resp.body, func(i int, item P) (bool, error) {
			if opts.full(kept) {
				t.whole = false
				return false, nil // the rest of the page is read, not kept
			}
			id, ok := item.backupID()
			if !ok {
				return false, missingIDError(i)
			}
			if _, dup := seen[id]; dup {
				return false, nil
			}
			seen[id] = struct{}{}
			added++
			t.distinct++
			ok = keep(item)
			if ok {
				kept++
			}
			return ok, nil
		})
		if errors.As(err, new(missingIDError)) {
			return page, newWalkError(page, u, resp, err)
		}
		if err != nil {
			return page, newPageError(page, u, resp, err)
		}
		c.log(ctx, page, u, size, added, next)
		if pageDone != nil {
			if stopped, err = pageDone(size); err != nil {
				return page, err
			}
		}

		// An empty page ends the walk even with a next link: it cannot have advanced the marker.
		if next == "" || size == 0 || stopped || opts.full(kept) {
			t.whole = t.whole && (next == "" || size == 0)
			return page, nil
		}
		stalled++
		if added > 0 {
			stalled = 0
		}
		if stalled == maxStalledPages {
			return page, newWalkError(page, u, resp, fmt.Errorf("pages %d to %d added no backup not seen before, "+
				"although each had a next link: the server's pages do not advance", page-maxStalledPages+1, page))
		}
		if marker, err = nextMarker(next); err != nil {
			return page, newWalkError(page, u, resp, err)
		}
		query = url.Values{"marker": {marker}} // offset went with the first request
		opts.apply(query, kept)
	}
}

// newWalkError describes a page that is valid but cannot be walked on: its body's start would say
// nothing about the problem (a backup far into it, its next link, the pages before it).
func newWalkError(page int, rawURL string, resp *response, problem error) *APIError {
	e := newPageError(page, rawURL, resp, problem)
	e.Body = ""
	return e
}

// missingIDError is a backup of a page, by its index, that has no id.
type missingIDError int

func (i missingIDError) Error() string { return fmt.Sprintf("backup %d of the page has no id", int(i)) }

// nextMarker is the marker of a next link, the one thing taken from it. Its scheme, host and port
// may be internal ones, and its path is wrong in the API's own example, so the request goes to the
// configured endpoint; every other parameter comes from the configuration, since a link could
// otherwise widen the listing (all_tenants=1, project_id=…) or repeat offset, which Cinder copies
// into every next link and the marker already accounts for.
func nextMarker(href string) (string, error) {
	link, err := url.Parse(href)
	if err != nil {
		return "", fmt.Errorf("unreadable next link %q", RedactURL(href))
	}
	q, err := url.ParseQuery(link.RawQuery)
	switch markers := q["marker"]; {
	case err != nil:
		return "", fmt.Errorf("unreadable next link %q: %w", RedactURL(href), err)
	case len(markers) > 1:
		return "", fmt.Errorf("next link %q has %d markers", RedactURL(href), len(markers))
	case len(markers) == 0 || markers[0] == "":
		return "", fmt.Errorf("next link has no marker: %q", RedactURL(href))
	}
	return q.Get("marker"), nil
}

// response is a successful response with its body read.
type response struct {
	status int
	header http.Header
	body   []byte
}

// get requests one page and reads its body, which must be JSON.
func (c *Client) get(ctx context.Context, page int, u string) (*response, error) {
	resp, err := c.sc.Request(ctx, http.MethodGet, u, &gophercloud.RequestOpts{
		KeepResponseBody: true,
		OkCodes:          []int{http.StatusOK},
	})
	if err != nil {
		return nil, requestError(page, u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPageBytes+1))
	r := &response{status: resp.StatusCode, header: resp.Header, body: body}
	switch {
	case err != nil:
		// A body cut off (or a timeout) after the status: say what arrived, as for any page that is not one.
		problem := fmt.Errorf("%sreading the response: %w", timedOut(err), err)
		if errors.Is(err, io.ErrUnexpectedEOF) {
			problem = fmt.Errorf("reading the response: the body was cut off after %d bytes: %w", len(body), err)
		}
		return nil, newPageError(page, u, r, problem)
	case len(body) > maxPageBytes:
		return nil, newPageError(page, u, r, fmt.Errorf("the response is larger than %d bytes", maxPageBytes))
	case !isJSONContentType(resp.Header.Get("Content-Type")):
		return nil, newPageError(page, u, r, fmt.Errorf("the response is %s, not JSON", resp.Header.Get("Content-Type")))
	}
	return r, nil
}

// isJSONContentType accepts application/json, any type ending in +json, and no type at all, which
// some gateways leave out.
func isJSONContentType(ct string) bool {
	if strings.TrimSpace(ct) == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

func (c *Client) log(ctx context.Context, page int, u string, count, added int, next string) {
	if c.Log == nil {
		return
	}
	c.Log(ctx, "vbs: listed a page of backups", map[string]any{
		"page": page, "url": RedactURL(u), "backups": count, "new_backups": added, "has_next": next != "",
	})
}

// GetBackup reads the backup id (GET {endpoint}/backups/{id}); a backup that does not exist is an
// *APIError with the server's status (404), message and request id.
func (c *Client) GetBackup(ctx context.Context, id string) (*Backup, error) {
	if id == "" {
		return nil, errors.New("a backup id must not be empty")
	}
	u := strings.TrimSuffix(c.sc.ResourceBaseURL(), "/") + "/backups/" + url.PathEscape(id)
	resp, err := c.get(ctx, 1, u)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Backup *backupJSON `json:"backup"`
	}
	if err := json.Unmarshal(resp.body, &doc); err != nil || doc.Backup == nil {
		problem := errors.New(`not a backup: no "backup" object`)
		if err != nil {
			problem = fmt.Errorf("not a backup: %w", err)
		}
		return nil, newPageError(1, u, resp, problem)
	}
	// The server answers for the id asked; any other backup would be read as this one.
	if got, _ := doc.Backup.backupID(); got != id {
		e := newPageError(1, u, resp, fmt.Errorf("the server returned backup %q for id %q", got, id))
		e.Body = ""
		return nil, e
	}
	b := doc.Backup.backup()
	return &b, nil
}
