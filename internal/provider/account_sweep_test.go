package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/moltin-community/terraform-provider-moltin/internal/acctest"
	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// The Account Management sweepers delete what crashed live runs left: the
// account members whose email a run made, and the accounts and password
// profiles whose name a run made (tfacc-<run id>-…), with the same age and
// run rules as the customer sweeper.
func init() {
	resource.AddTestSweepers("moltin_account_member", &resource.Sweeper{
		Name: "moltin_account_member",
		F: func(string) error {
			c, opts, err := sweepClient()
			if err != nil {
				return err
			}
			deleted, err := sweepAccountManagement(context.Background(), c, opts)
			fmt.Fprintf(os.Stderr, "sweeper moltin_account_member: deleted %d members, accounts and profiles left by test runs\n", len(deleted))
			return err
		},
	})
}

func sweepClient() (*moltin.Client, sweepOptions, error) {
	store, err := acctest.StoreFromEnv()
	if err != nil {
		return nil, sweepOptions{}, err
	}
	c, err := moltin.New(moltin.Config{BaseURL: store.BaseURL, ClientID: store.ClientID, ClientSecret: store.ClientSecret})
	if err != nil {
		return nil, sweepOptions{}, err
	}
	opts := sweepOptions{MinAge: time.Hour, Now: time.Now()}
	if run := os.Getenv(acctest.RunEnv); run != "" {
		opts.Run, opts.MinAge = run, 0
	} else if v := os.Getenv("MOLTIN_ACC_SWEEP_MIN_AGE"); v != "" {
		if opts.MinAge, err = time.ParseDuration(v); err != nil {
			return nil, opts, fmt.Errorf("MOLTIN_ACC_SWEEP_MIN_AGE: %v", err)
		}
	}
	return c, opts, nil
}

// sweepAccountManagement deletes the members, accounts and password profiles
// of test runs that opts selects, and returns what it deleted ("member
// <email>", "account <name>", "profile <name>").
func sweepAccountManagement(ctx context.Context, c *moltin.Client, opts sweepOptions) ([]string, error) {
	return sweepAMPrefix(ctx, c, opts, acctest.SweepFilterPrefix)
}

// sweepAMPrefix is sweepAccountManagement for the objects whose email or
// name begins with prefix (compared case-insensitively).
func sweepAMPrefix(ctx context.Context, c *moltin.Client, opts sweepOptions, prefix string) ([]string, error) {
	var deleted []string
	var errs []error
	take := func(run string, ok bool, created time.Time, key string) bool {
		return ok && strings.HasPrefix(strings.ToLower(key), strings.ToLower(prefix)) && (opts.Run == "" || run == opts.Run) && opts.Now.Sub(created) >= opts.MinAge
	}
	// Members first: their memberships go with their accounts.
	for u, err := range c.UserAuthInfos(ctx, moltin.ListOptions{Filters: []moltin.Filter{moltin.Like("email", prefix+"*")}}) {
		if err != nil {
			errs = append(errs, err)
			break
		}
		if run, ok := acctest.RunOf(u.Email); take(run, ok, u.CreatedAt, u.Email) {
			if err := c.DeleteUserAuthInfo(ctx, u.ID); err != nil {
				errs = append(errs, fmt.Errorf("deleting member %s: %w", u.ID, err))
				continue
			}
			deleted = append(deleted, "member "+strings.ToLower(u.Email))
		}
	}
	var accounts []moltin.Account
	for a, err := range c.Accounts(ctx, moltin.ListOptions{Filters: []moltin.Filter{moltin.Like("name", prefix+"*")}}) {
		if err != nil {
			errs = append(errs, err)
			break
		}
		if run, ok := acctest.RunOfName(a.Name); take(run, ok, a.CreatedAt, a.Name) {
			accounts = append(accounts, a)
		}
	}
	// Sub-accounts before their parents.
	slices.SortFunc(accounts, func(a, b moltin.Account) int {
		switch {
		case a.ParentID != nil && b.ParentID == nil:
			return -1
		case a.ParentID == nil && b.ParentID != nil:
			return 1
		}
		return 0
	})
	for _, a := range accounts {
		if err := c.DeleteAccount(ctx, a.ID); err != nil {
			errs = append(errs, fmt.Errorf("deleting account %s: %w", a.ID, err))
			continue
		}
		deleted = append(deleted, "account "+a.Name)
	}
	for p, err := range c.PasswordProfiles(ctx) {
		if err != nil {
			errs = append(errs, err)
			break
		}
		if run, ok := acctest.RunOfName(p.Name); take(run, ok, p.CreatedAt, p.Name) {
			if err := c.DeletePasswordProfile(ctx, p.ID); err != nil {
				errs = append(errs, fmt.Errorf("deleting password profile %s: %w", p.ID, err))
				continue
			}
			deleted = append(deleted, "profile "+p.Name)
		}
	}
	return deleted, errors.Join(errs...)
}

// TestSweepAccountManagement_leavesOthersAlone: the sweeper deletes the
// members, accounts and profiles of test runs, and nothing else.
func TestSweepAccountManagement_leavesOthersAlone(t *testing.T) {
	t.Parallel()
	secret := "sweep-am-secret-" + randomSuffix(t)
	emu, err := emulator.Start(emulator.Config{ClientID: "sweep-am", ClientSecret: secret})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	c, err := moltin.New(moltin.Config{BaseURL: emu.URL, ClientID: "sweep-am", ClientSecret: secret})
	if err != nil {
		t.Fatal(err)
	}
	realm := emu.AccountRealmID()
	run := "zz9zz9zz"
	for _, email := range []string{"tfacc-" + run + "-t1-left@example.com", "alice@example.com", "tfacc-short-left@example.com"} {
		if _, err := emu.CreateUserAuthenticationInfo(realm, "Sweep", email); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"tfacc-" + run + "-t1-acme", "Acme", "tfacc-short"} {
		if _, err := emu.CreateAccount(emulator.Account{Name: name}); err != nil {
			t.Fatal(err)
		}
		if _, err := emu.CreatePasswordProfile(realm, name, "any", false); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	deleted, err := sweepAccountManagement(t.Context(), c, sweepOptions{MinAge: time.Hour, Now: now})
	if err != nil || len(deleted) != 0 {
		t.Fatalf("a sweep of old leftovers deleted %q (%v); everything is fresh", deleted, err)
	}
	deleted, err = sweepAccountManagement(t.Context(), c, sweepOptions{Run: run, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"member tfacc-" + run + "-t1-left@example.com", "account tfacc-" + run + "-t1-acme", "profile tfacc-" + run + "-t1-acme"}
	if !slices.Equal(deleted, want) {
		t.Fatalf("deleted %q, want %q", deleted, want)
	}
	if n, m, p := len(emu.UserAuthenticationInfos()), len(emu.Accounts()), len(emu.PasswordProfiles()); n != 2 || m != 2 || p != 2 {
		t.Fatalf("left: %d members, %d accounts, %d profiles; want 2 of each", n, m, p)
	}
}

// cleanupAM deletes, when a live test ends, the Account Management objects
// it made (under its own prefix) and did not destroy.
func (e *testEnv) cleanupAM() {
	if !e.live() {
		return
	}
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if _, err := sweepAMPrefix(ctx, e.liveAPI(), sweepOptions{Now: time.Now()}, acctest.RunPrefix()+e.tag+"-"); err != nil {
			e.t.Errorf("deleting this test's account members, accounts and profiles: %v (the sweeper will find them)", err)
		}
	})
}
