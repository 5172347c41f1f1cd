package main

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// The version reaches the binary the way the release build sets it, and -version prints it.
func TestVersionFlag(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "terraform-provider-vbs")
	build := exec.Command("go", "build", "-ldflags", "-X main.version=1.2.3-test", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "-version").CombinedOutput()
	if err != nil {
		t.Fatalf("%s -version: %v\n%s", bin, err, out)
	}
	if got, want := string(out), "terraform-provider-vbs 1.2.3-test\n"; got != want {
		t.Errorf("-version printed %q, want %q", got, want)
	}
}
