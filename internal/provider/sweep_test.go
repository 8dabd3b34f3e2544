package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/moltin-community/terraform-provider-moltin/internal/acctest"
	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// The sweepers: `go test ./internal/provider -sweep=live` (make
// sweep-live) deletes what crashed live runs left in the store that EPCC_*
// name: customers, custom fields, and account members, accounts and
// password profiles. Each deletes only objects whose email, name or slug a
// test run made (tfacc-<run id>-… or tfacc_<run id>_…), never anything
// else; and of those only the ones older than MOLTIN_ACC_SWEEP_MIN_AGE
// (default 1h), so that another run going on in the same store keeps its
// own, or, with MOLTIN_ACC_RUN set, exactly that run's, whatever their
// age. One sweep function per kind serves both its sweeper (over every
// run's prefix) and the cleanup of one live test (over its own prefix).
func init() {
	addSweeper("moltin_customer", "customers", acctest.SweepFilterPrefix, sweepCustomers)
	addSweeper("moltin_custom_field", "custom fields", "", sweepFields)
	addSweeper("moltin_account_member", "members, accounts and profiles", acctest.SweepFilterPrefix, sweepAccountManagement)
}

type sweepOptions struct {
	Run    string        // only this run's objects; "" for every run's
	MinAge time.Duration // only objects created at least this long before Now; 0 for any age
	Now    time.Time
}

// selects reports whether opts selects an object that a test run made: run
// and ok are what its email, name or slug tells of the run (acctest.RunOf
// and its kin), created is when it was made.
func (o sweepOptions) selects(run string, ok bool, created time.Time) bool {
	return ok && (o.Run == "" || run == o.Run) && (o.MinAge <= 0 || o.Now.Sub(created) >= o.MinAge)
}

// sweepFunc deletes the objects of test runs whose email, name or slug
// begins with prefix that opts selects, and returns what it deleted.
type sweepFunc func(ctx context.Context, c *moltin.Client, opts sweepOptions, prefix string) ([]string, error)

// sweeping collects what a sweep deleted and the errors of what it could
// not, so that one failure does not stop the rest.
type sweeping struct {
	deleted []string
	errs    []error
}

// delete runs del, the deletion of the object that label names in errors,
// and records it as deleted when it succeeds.
func (s *sweeping) delete(label, deleted string, del func() error) {
	if err := del(); err != nil {
		s.errs = append(s.errs, fmt.Errorf("deleting %s: %w", label, err))
		return
	}
	s.deleted = append(s.deleted, deleted)
}

func (s *sweeping) result() ([]string, error) { return s.deleted, errors.Join(s.errs...) }

// addSweeper registers the sweeper name (`-sweep=live`, make sweep-live):
// sweep, over every test run's prefix, in the store that EPCC_* name, with
// the run and age rules of sweepClient; it prints how many objects (what)
// it deleted, a line that scripts/test.sh reads.
func addSweeper(name, what, prefix string, sweep sweepFunc) {
	resource.AddTestSweepers(name, &resource.Sweeper{
		Name: name,
		F: func(string) error {
			c, opts, err := sweepClient()
			if err != nil {
				return err
			}
			deleted, err := sweep(context.Background(), c, opts, prefix)
			fmt.Fprintf(os.Stderr, "sweeper %s: deleted %d %s left by test runs\n", name, len(deleted), what)
			return err
		},
	})
}

// sweepClient is the sweepers' client of the store that EPCC_* name, and
// their options: the age and run rules above.
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

// cleanupOwn deletes, when a live test ends, the objects that sweep finds
// under the test's own prefix: what it made for its setup or a failed step
// left, and did not destroy. What cannot be deleted is reported; the
// sweeper will find it.
func (e *testEnv) cleanupOwn(what, prefix string, sweep sweepFunc) {
	if !e.live() {
		return
	}
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		// Every age: the store's clock may run ahead of this machine's.
		if _, err := sweep(ctx, e.liveAPI(), sweepOptions{}, prefix); err != nil {
			e.t.Errorf("deleting this test's %s: %v (the sweeper will find them)", what, err)
		}
	})
}

// cleanupFields deletes, when a live test ends, what fields of this test
// are left.
func (e *testEnv) cleanupFields() { e.cleanupOwn("custom fields", e.fieldSlug(""), sweepFields) }

// cleanupAM deletes, when a live test ends, the Account Management objects
// it made (under its own prefix) and did not destroy.
func (e *testEnv) cleanupAM() {
	e.cleanupOwn("account members, accounts and profiles", acctest.RunPrefix()+e.tag+"-", sweepAccountManagement)
}

// sweepStore starts an emulator of its own for a sweeper's test, in either
// mode (a sweeper is never tried on a shared store), and returns it with a
// client of it.
func sweepStore(t *testing.T, clientID string) (*emulator.Running, *moltin.Client) {
	t.Helper()
	secret := clientID + "-secret-" + randomSuffix(t)
	emu, err := emulator.Start(emulator.Config{ClientID: clientID, ClientSecret: secret})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	c, err := moltin.New(moltin.Config{BaseURL: emu.URL, ClientID: clientID, ClientSecret: secret})
	if err != nil {
		t.Fatal(err)
	}
	return emu, c
}

// sweepCustomers deletes the customers of test runs (email
// tfacc-<run id>-…@example.com, acctest.RunOf) whose email begins with
// prefix that opts selects, and returns their emails.
func sweepCustomers(ctx context.Context, c *moltin.Client, opts sweepOptions, prefix string) ([]string, error) {
	candidates, err := listByPrefix(ctx, c, prefix)
	if err != nil {
		return nil, err
	}
	var s sweeping
	for _, cu := range candidates {
		if run, ok := acctest.RunOf(cu.Email); opts.selects(run, ok, cu.CreatedAt) {
			s.delete(cu.ID, cu.Email, func() error { return c.DeleteCustomer(ctx, cu.ID) })
		}
	}
	return s.result()
}

// TestSweepCustomers_leavesOthersAlone runs the sweeper against an emulator
// holding test runs' customers among others' (some with emails close to a
// test run's): it deletes what it is asked to, of test runs only.
func TestSweepCustomers_leavesOthersAlone(t *testing.T) {
	t.Parallel()
	emu, c := sweepStore(t, "sweep")
	thisRun := acctest.Email("sweep1", "left")
	otherRun := "tfacc-zz9zz9zz-q1-left@example.com"
	shouted := "TFACC-YY8YY8YY-Q2-LEFT@EXAMPLE.COM"
	others := []string{
		"alice@example.com",
		"tfacc@example.com",
		"tfacc-zz9zz9zz@example.com",           // no test part
		"tfacc-short-left@example.com",         // not a run id
		"tfacc-zz9zz9zz9-left@example.com",     // nor this
		"xtfacc-zz9zz9zz-left@example.com",     // does not begin with the prefix
		"tfacc-zz9zz9zz-left@example.org",      // another domain
		"tfacc-zz9zz9zz-left@example.com.test", // nor this
		"tfacc-zz9zz9zz-left@sub.example.com",  // nor this
	}
	for _, email := range append([]string{thisRun, otherRun, shouted}, others...) {
		if _, err := emu.CreateCustomer("Sweep Candidate", email, "", nil); err != nil {
			t.Fatalf("creating %s: %v", email, err)
		}
	}
	remaining := func() []string {
		var out []string
		for _, cu := range emu.Customers() {
			out = append(out, strings.ToLower(cu.Email))
		}
		slices.Sort(out)
		return out
	}
	lower := func(emails ...string) []string {
		out := make([]string, len(emails))
		for i, e := range emails {
			out[i] = strings.ToLower(e)
		}
		slices.Sort(out)
		return out
	}
	sweep := func(opts sweepOptions, want ...string) {
		t.Helper()
		deleted, err := sweepCustomers(t.Context(), c, opts, acctest.SweepFilterPrefix)
		if err != nil {
			t.Fatal(err)
		}
		if got := lower(deleted...); !slices.Equal(got, lower(want...)) {
			t.Fatalf("sweep %+v deleted %q, want %q", opts, got, lower(want...))
		}
	}
	now := time.Now()

	// Everything is fresh: a sweep of old leftovers deletes nothing, so that
	// a run going on in the same store keeps its customers.
	sweep(sweepOptions{MinAge: time.Hour, Now: now})
	// One run, named: only its customers, however young.
	sweep(sweepOptions{Run: "zz9zz9zz", Now: now}, otherRun)
	// Two hours on, every test run's leftovers go, in whatever case, and
	// nothing else.
	sweep(sweepOptions{MinAge: time.Hour, Now: now.Add(2 * time.Hour)}, thisRun, shouted)
	if got, want := remaining(), lower(others...); !slices.Equal(got, want) {
		t.Fatalf("after the sweeps the store holds %q, want %q", got, want)
	}
}

// sweepFields deletes the test runs' fields (slug tfacc_<run id>_…) whose
// slug begins with prefix ("" for every run's) that opts selects, and
// returns their slugs. It never deletes a flow.
func sweepFields(ctx context.Context, c *moltin.Client, opts sweepOptions, prefix string) ([]string, error) {
	fields, err := c.ListFields(ctx)
	if err != nil {
		return nil, err
	}
	var s sweeping
	for _, f := range fields {
		if run, ok := acctest.RunOfFieldSlug(f.Slug); strings.HasPrefix(f.Slug, prefix) && opts.selects(run, ok, f.CreatedAt) {
			s.delete("field "+f.ID, f.Slug, func() error { return c.DeleteField(ctx, f.ID) })
		}
	}
	return s.result()
}

// TestSweepFields_leavesOthersAlone: the sweeper deletes the fields of the
// run it is given, and neither other runs' recent fields, nor look-alikes,
// nor the flow.
func TestSweepFields_leavesOthersAlone(t *testing.T) {
	t.Parallel()
	_, c := sweepStore(t, "sweep")
	ctx := t.Context()
	fl, err := c.CreateFlow(ctx, moltin.FlowCreate{Slug: "customers", Name: "Customers", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, slug := range []string{"tfacc_aaaa1111_t1_tier", "tfacc_aaaa1111_t2_points", "tfacc_bbbb2222_t1_tier", "tfacc_aaaa111_t1_x", "loyalty_tier", "tfacc-aaaa1111-t1-tier"} {
		if _, err := c.CreateField(ctx, "customers", moltin.FieldCreate{FlowID: fl.ID, Slug: slug, Name: slug, FieldType: "string", Enabled: true}); err != nil {
			t.Fatal(err)
		}
	}
	deleted, err := sweepFields(ctx, c, sweepOptions{Run: "aaaa1111", Now: time.Now()}, "")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(deleted)
	if strings.Join(deleted, ",") != "tfacc_aaaa1111_t1_tier,tfacc_aaaa1111_t2_points" {
		t.Errorf("deleted %v", deleted)
	}
	// Without a run, only fields older than MinAge: none here.
	if deleted, _ := sweepFields(ctx, c, sweepOptions{MinAge: time.Hour, Now: time.Now()}, ""); len(deleted) != 0 {
		t.Errorf("deleted recent fields %v", deleted)
	}
	left, _ := c.FlowFields(ctx, "customers")
	if len(left) != 4 {
		t.Errorf("%d fields left, want 4", len(left))
	}
	if _, found, _ := c.FindFlowBySlug(ctx, "customers"); !found {
		t.Error("the flow was swept")
	}
}

// sweepAccountManagement deletes the members, accounts and password profiles
// of test runs whose email or name begins with prefix (compared
// case-insensitively) that opts selects, and returns what it deleted
// ("member <email>", "account <name>", "profile <name>").
func sweepAccountManagement(ctx context.Context, c *moltin.Client, opts sweepOptions, prefix string) ([]string, error) {
	var s sweeping
	take := func(run string, ok bool, created time.Time, key string) bool {
		return strings.HasPrefix(strings.ToLower(key), strings.ToLower(prefix)) && opts.selects(run, ok, created)
	}
	// Members first: their memberships go with their accounts.
	for u, err := range c.UserAuthInfos(ctx, moltin.ListOptions{Filters: []moltin.Filter{moltin.Like("email", prefix+"*")}}) {
		if err != nil {
			s.errs = append(s.errs, err)
			break
		}
		if run, ok := acctest.RunOf(u.Email); take(run, ok, u.CreatedAt, u.Email) {
			s.delete("member "+u.ID, "member "+strings.ToLower(u.Email), func() error { return c.DeleteUserAuthInfo(ctx, u.ID) })
		}
	}
	var accounts []moltin.Account
	for a, err := range c.Accounts(ctx, moltin.ListOptions{Filters: []moltin.Filter{moltin.Like("name", prefix+"*")}}) {
		if err != nil {
			s.errs = append(s.errs, err)
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
		s.delete("account "+a.ID, "account "+a.Name, func() error { return c.DeleteAccount(ctx, a.ID) })
	}
	for p, err := range c.PasswordProfiles(ctx) {
		if err != nil {
			s.errs = append(s.errs, err)
			break
		}
		if run, ok := acctest.RunOfName(p.Name); take(run, ok, p.CreatedAt, p.Name) {
			s.delete("password profile "+p.ID, "profile "+p.Name, func() error { return c.DeletePasswordProfile(ctx, p.ID) })
		}
	}
	return s.result()
}

// TestSweepAccountManagement_leavesOthersAlone: the sweeper deletes the
// members, accounts and profiles of test runs, and nothing else.
func TestSweepAccountManagement_leavesOthersAlone(t *testing.T) {
	t.Parallel()
	emu, c := sweepStore(t, "sweep-am")
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
	deleted, err := sweepAccountManagement(t.Context(), c, sweepOptions{MinAge: time.Hour, Now: now}, acctest.SweepFilterPrefix)
	if err != nil || len(deleted) != 0 {
		t.Fatalf("a sweep of old leftovers deleted %q (%v); everything is fresh", deleted, err)
	}
	deleted, err = sweepAccountManagement(t.Context(), c, sweepOptions{Run: run, Now: now}, acctest.SweepFilterPrefix)
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

// TestSweep_ownPrefix: over one test's own prefix, with no age rule (the
// cleanup of a live test, cleanupOwn), each sweep deletes what that test
// made, however fresh, and nothing of another test of the same run.
func TestSweep_ownPrefix(t *testing.T) {
	t.Parallel()
	emu, c := sweepStore(t, "sweep-own")
	ctx := t.Context()
	own := acctest.RunPrefix() + "own1-"
	mine, theirs := acctest.Email("own1", "left"), acctest.Email("own2", "left")
	for _, email := range []string{mine, theirs} {
		if _, err := emu.CreateCustomer("Sweep Candidate", email, "", nil); err != nil {
			t.Fatal(err)
		}
	}
	if deleted, err := sweepCustomers(ctx, c, sweepOptions{}, own); err != nil || !slices.Equal(deleted, []string{mine}) {
		t.Errorf("customers: deleted %q (%v), want %q", deleted, err, mine)
	}

	fl, err := c.CreateFlow(ctx, moltin.FlowCreate{Slug: "customers", Name: "Customers", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	mineSlug := acctest.FieldSlug("own1", "tier")
	for _, slug := range []string{mineSlug, acctest.FieldSlug("own2", "tier")} {
		if _, err := c.CreateField(ctx, "customers", moltin.FieldCreate{FlowID: fl.ID, Slug: slug, Name: slug, FieldType: "string", Enabled: true}); err != nil {
			t.Fatal(err)
		}
	}
	if deleted, err := sweepFields(ctx, c, sweepOptions{}, acctest.FieldSlug("own1", "")); err != nil || !slices.Equal(deleted, []string{mineSlug}) {
		t.Errorf("fields: deleted %q (%v), want %q", deleted, err, mineSlug)
	}

	realm := emu.AccountRealmID()
	for _, email := range []string{mine, theirs} {
		if _, err := emu.CreateUserAuthenticationInfo(realm, "Sweep", email); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{own + "acme", acctest.RunPrefix() + "own2-acme"} {
		if _, err := emu.CreateAccount(emulator.Account{Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"member " + mine, "account " + own + "acme"}
	if deleted, err := sweepAccountManagement(ctx, c, sweepOptions{}, own); err != nil || !slices.Equal(deleted, want) {
		t.Errorf("Account Management: deleted %q (%v), want %q", deleted, err, want)
	}
}
