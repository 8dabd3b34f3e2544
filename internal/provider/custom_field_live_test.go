package provider

import (
	"encoding/json"
	"strings"

	"github.com/moltin-community/terraform-provider-moltin/internal/acctest"
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
