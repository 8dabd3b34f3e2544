package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moltin-community/terraform-provider-moltin/internal/acctest"
	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// The Account Management methods of testEnv: on the emulator through its
// store, in live mode through the moltin client.

// accountName is the name of an account this test makes, under the run's
// prefix, which the sweeper recognises.
func (e *testEnv) accountName(n string) string { return acctest.RunPrefix() + e.tag + "-" + n }

// CheckMemberPassword reports whether the store accepts the password for the
// username under the profile (in live mode: whether a login succeeds).
func (e *testEnv) CheckMemberPassword(profileID, username, password string) bool {
	if !e.live() {
		return e.emu.CheckMemberPassword(profileID, username, password)
	}
	_, err := e.liveAPI().CreateAccountMemberTokens(e.t.Context(), profileID, username, password)
	return err == nil
}

// RenameMember changes a member's name behind Terraform's back.
func (e *testEnv) RenameMember(id, name string) error {
	if !e.live() {
		for _, u := range e.emu.UserAuthenticationInfos() {
			if u.ID == id {
				return e.emu.UpdateUserAuthenticationInfo(id, name, u.Email)
			}
		}
		return fmt.Errorf("member %s not found", id)
	}
	u, err := e.liveAPI().GetUserAuthInfo(e.t.Context(), id)
	if err != nil {
		return err
	}
	_, err = e.liveAPI().UpdateUserAuthInfo(e.t.Context(), id, name, u.Email)
	return err
}

// amLeft counts what is left of the given objects (by id) in the store.
func (e *testEnv) amLeft(accounts, members, profiles []string) (int, error) {
	if !e.live() {
		ids := map[string]bool{}
		for _, a := range e.emu.Accounts() {
			ids[a.ID] = true
		}
		for _, u := range e.emu.UserAuthenticationInfos() {
			ids[u.ID] = true
		}
		for _, p := range e.emu.PasswordProfiles() {
			ids[p.ID] = true
		}
		n := 0
		for _, id := range append(append(append([]string{}, accounts...), members...), profiles...) {
			if ids[id] {
				n++
			}
		}
		return n, nil
	}
	ctx, c := e.t.Context(), e.liveAPI()
	n := 0
	for _, id := range accounts {
		if _, err := c.GetAccount(ctx, id); err == nil {
			n++
		} else if !moltin.IsNotFound(err) {
			return 0, err
		}
	}
	for _, id := range members {
		if _, err := c.GetUserAuthInfo(ctx, id); err == nil {
			n++
		} else if !moltin.IsNotFound(err) {
			return 0, err
		}
	}
	for _, id := range profiles {
		if _, err := c.GetPasswordProfile(ctx, id); err == nil {
			n++
		} else if !moltin.IsNotFound(err) {
			return 0, err
		}
	}
	return n, nil
}

// amMutations is the Account Management requests that change something
// (POST, PUT, DELETE), in order, since the last reset.
func (e *testEnv) amMutations() []emulator.Request {
	var out []emulator.Request
	for _, r := range e.Requests() {
		if r.Method != "GET" && strings.Contains(r.Kind, "-") && r.Kind != emulator.KindAccountMemberToken {
			out = append(out, r)
		}
	}
	return out
}

// kinds lists the requests' kinds.
func kinds(rs []emulator.Request) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Kind
	}
	return out
}

// bodyData is the request body's data object.
func bodyData(r emulator.Request) (map[string]any, error) {
	var doc struct {
		Data map[string]any `json:"data"`
	}
	if err := json.Unmarshal(r.Body, &doc); err != nil {
		return nil, fmt.Errorf("%s %s: body is not JSON: %v", r.Method, r.Path, err)
	}
	return doc.Data, nil
}

// expectAMBodies checks that since the last reset the changes sent were
// exactly want, in order: each a kind and the exact data object (the
// emulator's log has every password as "REDACTED").
func (e *testEnv) expectAMBodies(what string, want ...amWant) error {
	return e.wire(what, func() error {
		muts := e.amMutations()
		if len(muts) != len(want) {
			return fmt.Errorf("%s: want %d changes, got %d: %s", what, len(want), len(muts), describe(muts))
		}
		for i, w := range want {
			if muts[i].Kind != w.kind {
				return fmt.Errorf("%s: change %d is %s, want %s (%s)", what, i+1, muts[i].Kind, w.kind, describe(muts))
			}
			if w.data == nil {
				continue
			}
			got, err := bodyData(muts[i])
			if err != nil {
				return err
			}
			gb, _ := json.Marshal(got)
			wb, _ := json.Marshal(w.data)
			if string(gb) != string(wb) {
				return fmt.Errorf("%s: %s body data is %s, want %s", what, w.kind, gb, wb)
			}
		}
		return nil
	})
}

type amWant struct {
	kind string
	data map[string]any // nil: not checked (a DELETE)
}

// requestLine is a request as the report lists it: method, path pattern.
func requestLine(r emulator.Request) string { return r.Method + " " + r.Kind }

// logRequests writes the requests since the last reset to the test log, for
// the figures of the closing note.
func (e *testEnv) logRequests(what string) {
	if e.live() {
		return
	}
	rs := e.Requests()
	counts := map[string]int{}
	for _, r := range rs {
		counts[requestLine(r)]++
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s ×%d", k, counts[k])
	}
	e.t.Logf("requests for %s: %d (%s)", what, len(rs), strings.Join(parts, ", "))
}

var (
	writeOnlyOnce sync.Once
	writeOnlyCLI  bool
)

// cliHasWriteOnly reports whether the CLI under test (TF_ACC_TERRAFORM_PATH)
// supports write-only attributes (1.11+): the tests then configure
// password_wo, and the legacy password otherwise.
func cliHasWriteOnly(t *testing.T) bool {
	t.Helper()
	writeOnlyOnce.Do(func() {
		cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
		if cli == "" {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, cli, "version", "-json").Output()
		if err != nil {
			return
		}
		var v struct {
			Version string `json:"terraform_version"`
		}
		if json.Unmarshal(out, &v) != nil {
			return
		}
		var major, minor int
		if _, err := fmt.Sscanf(v.Version, "%d.%d", &major, &minor); err == nil {
			writeOnlyCLI = major > 1 || (major == 1 && minor >= 11)
		}
	})
	return writeOnlyCLI
}
