package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRunFormatsAndReports(t *testing.T) {
	dir := t.TempDir()
	messy := "resource \"moltin_customer\" \"a\" {\nname = \"A\"\n  email    = \"a@example.com\"\n}\n"
	tidy := "resource \"moltin_customer\" \"a\" {\n  name  = \"A\"\n  email = \"a@example.com\"\n}\n"
	files := map[string]string{
		"messy.tf":                      messy,
		"tidy.tf":                       tidy,
		"sub/query.tfquery.hcl":         messy,
		"notes.md":                      messy,
		"sub/deeper/values.auto.tfvars": "a=1\nbb = 2\n",
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	changed, err := run([]string{dir}, false)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"messy.tf", "sub/deeper/values.auto.tfvars", "sub/query.tfquery.hcl"}
	if len(changed) != len(want) {
		t.Fatalf("check listed %q, want %q", changed, want)
	}
	for i, w := range want {
		if changed[i] != filepath.Join(dir, w) {
			t.Errorf("check listed %q, want %q", changed, want)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "messy.tf")); string(b) != messy {
		t.Error("check rewrote a file")
	}

	if _, err := run([]string{dir}, true); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "messy.tf")); string(b) != tidy {
		t.Errorf("messy.tf after formatting:\n%s\nwant:\n%s", b, tidy)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "notes.md")); string(b) != messy {
		t.Error("a file that is not HCL was rewritten")
	}
	if changed, err := run([]string{dir}, false); err != nil || len(changed) != 0 {
		t.Errorf("after formatting: changed %q, err %v; want none", changed, err)
	}
}

func TestRunRefusesInvalidHCL(t *testing.T) {
	dir := t.TempDir()
	bad := "resource \"moltin_customer\" \"a\" {\n  name = \n"
	p := filepath.Join(dir, "bad.tf")
	if err := os.WriteFile(p, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := run([]string{dir}, true); err == nil {
		t.Fatal("no error for a file that does not parse")
	}
	if b, _ := os.ReadFile(p); string(b) != bad {
		t.Error("a file that does not parse was rewritten")
	}
}
