package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/moltin-community/terraform-provider-moltin/internal/acctest"
	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// The custom-data methods of testEnv, in both modes: fields get slugs
// under the run's prefix (tfacc_<run>_<tag>_…), which the sweeper finds.

// fieldSlug is the slug of a custom field this test makes.
func (e *testEnv) fieldSlug(local string) string { return acctest.FieldSlug(e.tag, local) }

// SetCustomerValue changes one custom value behind Terraform's back; nil
// clears it.
func (e *testEnv) SetCustomerValue(id, slug string, v any) {
	if !e.live() {
		e.emu.SetFlowValue("customers", id, slug, v)
		return
	}
	if _, err := e.liveAPI().UpdateCustomer(e.t.Context(), id, moltin.CustomerUpdate{Custom: map[string]any{slug: v}}); err != nil {
		e.t.Fatalf("setting %s on customer %s: %v", slug, id, err)
	}
}

// CustomerValues are the customer's non-null custom values, as JSON text.
func (e *testEnv) CustomerValues(id string) map[string]string {
	out := map[string]string{}
	if !e.live() {
		for k, v := range e.emu.FlowValues("customers", id) {
			b, _ := json.Marshal(v)
			out[k] = string(b)
		}
		return out
	}
	c, err := e.liveAPI().GetCustomer(e.t.Context(), id)
	if err != nil {
		e.t.Fatalf("reading customer %s: %v", id, err)
	}
	for k, raw := range c.Custom {
		if s := strings.TrimSpace(string(raw)); s != "null" {
			out[k] = s
		}
	}
	return out
}

// FlowFields are the fields of a flow that this test made; a missing flow
// has none.
func (e *testEnv) FlowFields(flow string) []moltin.Field {
	fields, err := e.liveAPI().FlowFields(e.t.Context(), flow)
	if moltin.IsNotFound(err) {
		return nil
	}
	if err != nil {
		e.t.Fatalf("listing the fields of %s: %v", flow, err)
	}
	var own []moltin.Field
	for _, f := range fields {
		if strings.HasPrefix(f.Slug, e.fieldSlug("")) {
			own = append(own, f)
		}
	}
	return own
}

// HasFlow reports whether the store has a flow of that slug.
func (e *testEnv) HasFlow(slug string) bool {
	_, found, err := e.liveAPI().FindFlowBySlug(e.t.Context(), slug)
	if err != nil {
		e.t.Fatalf("looking up flow %s: %v", slug, err)
	}
	return found
}

// deleteOwnFields deletes what fields of this test are left (live mode).
func (e *testEnv) deleteOwnFields() {
	if !e.live() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, flow := range customFlows {
		fields, err := e.liveAPI().FlowFields(ctx, flow)
		if err != nil {
			continue
		}
		for _, f := range fields {
			if strings.HasPrefix(f.Slug, e.fieldSlug("")) {
				_ = e.liveAPI().DeleteField(ctx, f.ID)
			}
		}
	}
}

// The sweeper of custom fields deletes the fields that test runs made
// (slug tfacc_<run>_…) and left behind, older than an hour, or exactly
// MOLTIN_ACC_RUN's; never another field, and never a flow.
func init() {
	resource.AddTestSweepers("moltin_custom_field", &resource.Sweeper{
		Name: "moltin_custom_field",
		F: func(string) error {
			store, err := acctest.StoreFromEnv()
			if err != nil {
				return err
			}
			c, err := moltin.New(moltin.Config{BaseURL: store.BaseURL, ClientID: store.ClientID, ClientSecret: store.ClientSecret})
			if err != nil {
				return err
			}
			opts := sweepOptions{MinAge: time.Hour, Now: time.Now(), Run: os.Getenv(acctest.RunEnv)}
			if opts.Run != "" {
				opts.MinAge = 0
			}
			deleted, err := sweepFields(context.Background(), c, opts)
			fmt.Fprintf(os.Stderr, "sweeper moltin_custom_field: deleted %d custom fields left by test runs\n", len(deleted))
			return err
		},
	})
}

// sweepFields deletes the test runs' fields that opts selects and returns
// their slugs.
func sweepFields(ctx context.Context, c *moltin.Client, opts sweepOptions) ([]string, error) {
	fields, err := c.ListFields(ctx)
	if err != nil {
		return nil, err
	}
	var deleted []string
	var errs []error
	for _, f := range fields {
		run, ok := acctest.RunOfFieldSlug(f.Slug)
		if !ok || (opts.Run != "" && run != opts.Run) || opts.Now.Sub(f.CreatedAt) < opts.MinAge {
			continue
		}
		if err := c.DeleteField(ctx, f.ID); err != nil {
			errs = append(errs, fmt.Errorf("deleting field %s: %w", f.ID, err))
			continue
		}
		deleted = append(deleted, f.Slug)
	}
	return deleted, errors.Join(errs...)
}

// TestSweepFields_leavesOthersAlone: the sweeper deletes the fields of the
// run it is given, and neither other runs' recent fields, nor look-alikes,
// nor the flow.
func TestSweepFields_leavesOthersAlone(t *testing.T) {
	t.Parallel()
	secret := "sweep-secret-" + randomSuffix(t)
	emu, err := emulator.Start(emulator.Config{ClientID: "sweep", ClientSecret: secret})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	c, err := moltin.New(moltin.Config{BaseURL: emu.URL, ClientID: "sweep", ClientSecret: secret})
	if err != nil {
		t.Fatal(err)
	}
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
	deleted, err := sweepFields(ctx, c, sweepOptions{Run: "aaaa1111", Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(deleted)
	if strings.Join(deleted, ",") != "tfacc_aaaa1111_t1_tier,tfacc_aaaa1111_t2_points" {
		t.Errorf("deleted %v", deleted)
	}
	// Without a run, only fields older than MinAge: none here.
	if deleted, _ := sweepFields(ctx, c, sweepOptions{MinAge: time.Hour, Now: time.Now()}); len(deleted) != 0 {
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
