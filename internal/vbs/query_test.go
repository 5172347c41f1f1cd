package vbs

import (
	"strings"
	"testing"
)

func TestListOpts_validate(t *testing.T) {
	for _, tc := range []struct {
		opts ListOpts
		want []string // substrings of the error; nil for valid options
	}{
		{ListOpts{}, nil},
		{ListOpts{Name: "x", Status: "error_restoring", VolumeID: "v", SortKey: "updated_at", SortDir: "asc", Offset: 0, Limit: 1, PageSize: 1}, nil},
		{ListOpts{PageSize: 1000, Limit: 1 << 40, Offset: 1 << 40}, nil},
		{ListOpts{Status: "avail"}, []string{`status must be one of available, error, restoring, creating, deleting, error_deleting, error_restoring, got "avail"`}},
		{ListOpts{SortKey: "bogus"}, []string{`sort_key must be one of name, status, container_format, disk_format, size, id, created_at, updated_at, got "bogus"`}},
		{ListOpts{SortDir: "up"}, []string{`sort_dir must be one of asc, desc, got "up"`}},
		{ListOpts{Offset: -1}, []string{"offset must be at least 0, got -1"}},
		{ListOpts{Limit: -1}, []string{"limit must be at least 1, got -1"}},
		{ListOpts{PageSize: 1001}, []string{"PageSize must be between 1 and 1000, got 1001"}},
		{ListOpts{PageSize: -5}, []string{"PageSize must be between 1 and 1000, got -5"}},
		{ListOpts{Status: "x", PageSize: 2000}, []string{"status must be", "PageSize must be"}},
	} {
		err := tc.opts.Validate()
		if tc.want == nil {
			if err != nil {
				t.Errorf("%+v: %v", tc.opts, err)
			}
			continue
		}
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%+v: got %v, want %q", tc.opts, err, w)
			}
		}
	}
}

func TestListOpts_query(t *testing.T) {
	for _, tc := range []struct {
		opts ListOpts
		want string
	}{
		{ListOpts{}, ""},
		{ListOpts{Name: "a b&c", Status: "available", VolumeID: "v1", SortKey: "size", SortDir: "asc"},
			"name=a+b%26c&sort_dir=asc&sort_key=size&status=available&volume_id=v1"},
		{ListOpts{Offset: 5, PageSize: 100}, "limit=100&offset=5"},
		{ListOpts{Limit: 30, PageSize: 100}, "limit=30"},
		{ListOpts{Limit: 3000}, "limit=1000"},
		{ListOpts{Limit: 10}, "limit=10"},
	} {
		if got := tc.opts.Query().Encode(); got != tc.want {
			t.Errorf("%+v: got %q, want %q", tc.opts, got, tc.want)
		}
	}
}
