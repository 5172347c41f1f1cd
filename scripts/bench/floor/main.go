// Command floor is the reference `make bench` holds the provider's read against: it fetches every
// page of a backup listing over loopback with net/http, following the next links the server sends,
// decodes each page with plain encoding/json into map[string]any and keeps the results. It times
// itself in-process, from the first request to the last decode, and prints one JSON line:
// wall and CPU (user+sys) seconds, pages, backups, bytes and peak RSS.
//
// It asks for what the provider asks for: the same page size and microversion, the same token.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"syscall"
	"time"
)

func main() {
	endpoint := flag.String("endpoint", os.Getenv("VBS_ENDPOINT"), "API base URL including version and project")
	token := flag.String("token", os.Getenv("OS_TOKEN"), "X-Auth-Token")
	pageSize := flag.Int("page-size", 1000, "limit of the first request")
	microversion := flag.String("microversion", "3.64", "OpenStack-API-Version: volume X; empty sends none")
	flag.Parse()
	if err := run(*endpoint, *token, *pageSize, *microversion); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

func run(endpoint, token string, pageSize int, microversion string) error {
	cpu0, start := cpuSeconds(), time.Now()
	var kept []map[string]any
	backups, bytes := 0, 0
	next := fmt.Sprintf("%s/backups/detail?limit=%d", endpoint, pageSize)
	for next != "" {
		body, err := get(next, token, microversion)
		if err != nil {
			return err
		}
		var page map[string]any
		if err := json.Unmarshal(body, &page); err != nil {
			return fmt.Errorf("GET %s: %w", next, err)
		}
		kept = append(kept, page)
		items, _ := page["backups"].([]any)
		backups, bytes = backups+len(items), bytes+len(body)
		next = ""
		if len(items) > 0 {
			next = nextLink(page)
		}
	}
	wall, cpu := time.Since(start).Seconds(), cpuSeconds()-cpu0
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"wall_s": wall, "cpu_s": cpu, "pages": len(kept), "backups": backups, "bytes": bytes,
		"maxrss_kb": ru.Maxrss,
	})
}

func get(u, token, microversion string) ([]byte, error) {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-Auth-Token", token)
	if microversion != "" {
		req.Header.Set("OpenStack-API-Version", "volume "+microversion)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return body, err
}

// nextLink is the href of the page's "next" link in backups_links, or "".
func nextLink(page map[string]any) string {
	links, _ := page["backups_links"].([]any)
	for _, l := range links {
		if m, ok := l.(map[string]any); ok && m["rel"] == "next" {
			href, _ := m["href"].(string)
			return href
		}
	}
	return ""
}

// cpuSeconds is the process's user+sys CPU time so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}
