package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestRun_printsItsSettingsAndServes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out, w := io.Pipe()
	done := make(chan int)
	go func() {
		code := run(ctx, []string{"-backups", "25", "-example", "-project", "abc", "-token", "tok", "-max-limit", "10"}, w, io.Discard)
		_ = w.Close()
		done <- code
	}()
	vars := map[string]string{}
	for sc := bufio.NewScanner(out); vars["VBSSIM_READY"] == "" && sc.Scan(); {
		k, v, _ := strings.Cut(sc.Text(), "=")
		vars[k] = v
	}
	if vars["VBSSIM_PROJECT_ID"] != "abc" || vars["VBSSIM_TOKEN"] != "tok" || vars["VBSSIM_BACKUPS"] != "28" ||
		vars["VBSSIM_ENDPOINT"] != vars["VBSSIM_URL"]+"/v3/abc" || !strings.HasPrefix(vars["VBSSIM_URL"], "http://127.0.0.1:") ||
		vars["VBSSIM_KEYSTONE_URL"] == "" {
		t.Fatalf("printed %v", vars)
	}
	req, _ := http.NewRequest(http.MethodGet, vars["VBSSIM_ENDPOINT"]+"/backups/detail?name=daily&limit=1000", nil)
	req.Header.Set("X-Auth-Token", "tok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body struct{ Backups []json.RawMessage }
	err = json.NewDecoder(resp.Body).Decode(&body)
	_ = resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || len(body.Backups) == 0 || len(body.Backups) > 10 {
		t.Fatalf("listing: %d, %d backups, %v", resp.StatusCode, len(body.Backups), err)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit code %d", code)
	}
}

func TestRun_refusesBadFlags(t *testing.T) {
	for args, want := range map[string]int{
		"-listen 0.0.0.0:0":  1,
		"-listen 10.1.1.1:0": 1,
		"-backups -1":        2,
		"-token=":            2,
		"-nope":              2,
	} {
		if code := run(context.Background(), strings.Fields(args), io.Discard, io.Discard); code != want {
			t.Errorf("%s: exit code %d, want %d", args, code, want)
		}
	}
}
