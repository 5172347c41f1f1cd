package vbs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strings"
)

// FindResult is the outcome of FindBackup.
type FindResult struct {
	// Backup is the one selected; nil when nothing matched.
	Backup *Backup
	// Other is a second match, when more than one matched and the most recent was not asked for:
	// the selection is ambiguous, and the walk stopped there.
	Other *Backup
	// Pages is how many pages were requested.
	Pages int
	// Unsorted is as ListSummary.Unsorted.
	Unsorted string
}

// FindBackup selects one backup of the listing that opts select (their sort, offset, limit and
// page size are its own). With newest, it is the most recent match (the latest created_at, then the
// greatest id), read newest first and stopping as soon as the order proves no later backup newer;
// otherwise it stops at the second match, which makes the selection ambiguous.
//
// It decodes of each backup only what the selection reads (see lazyJSON), and a backup in full only
// once it matches: finding one backup among 100,000 then costs about what listing their ids does.
func (c *Client) FindBackup(ctx context.Context, opts ListOpts, newest bool) (*FindResult, error) {
	opts.SortKey, opts.SortDir, opts.Offset, opts.PageSize, opts.Limit = "", "", 0, 0, 0
	if newest {
		opts.SortKey, opts.SortDir = "created_at", "desc"
	} else {
		opts.Limit = 2 // one request of two backups when the API filters alone select
	}
	sel, err := c.newSelection(&opts, newest)
	if err != nil {
		return nil, err
	}
	incremental := opts.Filter.Incremental != nil
	res := &FindResult{}
	pages, err := walk(ctx, c, opts, func(j *keptJSON) (bool, bool) {
		light := j.selected(incremental)
		match, stop := sel.judge(&light)
		if !match {
			return false, stop
		}
		b := j.full()
		switch {
		case res.Backup == nil:
			res.Backup = b
		case newest:
			if newer(b, res.Backup) {
				res.Backup = b
			}
		case res.Other == nil:
			res.Other = b
		}
		return true, stop
	}, nil)
	if err != nil {
		return nil, err
	}
	res.Pages, res.Unsorted = pages, sel.unsorted
	return res, nil
}

// lazyJSON is a backup decoded for what a selection reads and nothing else: listing ids skips the
// rest of each backup. service_metadata, the costly part, is kept as text and parsed only where
// incremental needs it.
type lazyJSON struct {
	id, name, snapshotID, zone textField
	createdAt                  timeField
	metadata                   mapField
	isIncremental              boolField
	serviceMetadata            []byte // raw JSON
}

func (j *lazyJSON) backupID() (string, bool) { return idOf(&j.id) }

func (j *lazyJSON) UnmarshalJSON(raw []byte) error {
	*j = lazyJSON{}
	return j.scan(raw, false)
}

// lazyKeys are the members a selection reads, as backupJSON names them, and as bytes for folding.
var (
	lazyKeys     = []string{"id", "name", "snapshot_id", "availability_zone", "created_at", "metadata", "is_incremental", "service_metadata"}
	lazyKeyBytes = func() [][]byte {
		b := make([][]byte, len(lazyKeys))
		for i, k := range lazyKeys {
			b[i] = []byte(k)
		}
		return b
	}()
)

// scan reads the members a selection needs with the package's scanner (raw is valid JSON, which
// encoding/json checked before handing it over), as encoding/json would decode them into
// backupJSON: keys match case-insensitively, the last of repeated keys wins, null is no backup at
// all, and a value other than an object is the same type error. Unless owned, raw is encoding/json's,
// which an Unmarshaler must not keep, and service_metadata is copied.
func (j *lazyJSON) scan(raw []byte, owned bool) error {
	raw = bytes.TrimSpace(raw)
	switch {
	case string(raw) == "null":
		return nil
	case !isObject(raw):
		kind := map[byte]string{'"': "string", '[': "array", 't': "bool", 'f': "bool"}[raw[0]]
		if kind == "" {
			kind = "number"
		}
		return &json.UnmarshalTypeError{Value: kind, Type: reflect.TypeFor[lazyJSON]()}
	}
	for key, v := range each(raw) {
		switch lazyKey(key) {
		case "id":
			_ = j.id.UnmarshalJSON(v) // the fields' UnmarshalJSON never fails
		case "name":
			_ = j.name.UnmarshalJSON(v)
		case "snapshot_id":
			_ = j.snapshotID.UnmarshalJSON(v)
		case "availability_zone":
			_ = j.zone.UnmarshalJSON(v)
		case "created_at":
			_ = j.createdAt.UnmarshalJSON(v)
		case "metadata":
			_ = j.metadata.UnmarshalJSON(v)
		case "is_incremental":
			_ = j.isIncremental.UnmarshalJSON(v)
		case "service_metadata":
			if j.serviceMetadata = v; !owned {
				j.serviceMetadata = bytes.Clone(v)
			}
		}
	}
	return nil
}

// lazyKey is the member of lazyKeys that key names as encoding/json matches names (exactly, else
// by Unicode case folding), "" for none.
func lazyKey(key []byte) string {
	for _, k := range lazyKeys {
		if string(key) == k { // no conversion is allocated for a comparison
			return k
		}
	}
	for i, k := range lazyKeyBytes {
		if bytes.EqualFold(key, k) {
			return lazyKeys[i]
		}
	}
	return ""
}

// selected is what the selection reads of the backup; incremental asks for Backup.Incremental.
func (j *lazyJSON) selected(incremental bool) Backup {
	b := Backup{
		ID: j.id.v, Name: j.name.ptr(), SnapshotID: j.snapshotID.ptr(), AvailabilityZone: j.zone.ptr(),
		CreatedAt: j.createdAt.ptr(), Metadata: j.metadata.v, IsIncremental: j.isIncremental.ptr(),
	}
	if incremental {
		var sm *ServiceMetadata
		if b.IsIncremental == nil {
			_, sm, _ = parseServiceMetadata(j.serviceMetadata)
		}
		b.Incremental = incrementalOf(b.IsIncremental, sm)
	}
	return b
}

// keptJSON is a lazyJSON with its text kept, so that only the backups selected are decoded in full.
type keptJSON struct {
	lazyJSON
	raw []byte // a copy: encoding/json does not let an Unmarshaler keep its input
}

func (j *keptJSON) UnmarshalJSON(raw []byte) error {
	*j = keptJSON{raw: bytes.Clone(raw)}
	return j.scan(j.raw, true)
}

// full decodes the whole backup, as a listing does.
func (j *keptJSON) full() *Backup {
	var d backupJSON
	_ = json.Unmarshal(j.raw, &d) // valid JSON, and no field of backupJSON fails to decode
	b := d.backup()
	return &b
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
