package moltin

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestFlowsAndFields(t *testing.T) {
	t.Parallel()
	api, c := newEmulatedClient(t)
	ctx := t.Context()

	if _, found, err := c.FindFlowBySlug(ctx, "customers"); err != nil || found {
		t.Fatalf("no flow yet: found=%v err=%v", found, err)
	}
	fl, err := c.CreateFlow(ctx, FlowCreate{Slug: "customers", Name: "Customers", Enabled: true})
	if err != nil || fl.ID == "" || fl.Slug != "customers" || fl.CreatedAt.IsZero() {
		t.Fatalf("create flow %+v %v", fl, err)
	}
	if _, err := c.CreateFlow(ctx, FlowCreate{Slug: "customers", Name: "again"}); !IsConflict(err) {
		t.Errorf("duplicate flow: want a conflict, got %v", err)
	}
	if err := c.DeleteFlow(ctx, fl.ID); StatusOf(err) != http.StatusMethodNotAllowed {
		t.Errorf("delete of a core flow: want 405, got %v", err)
	}

	from, to := 0.0, 1000.0
	f, err := c.CreateField(ctx, "customers", FieldCreate{FlowID: fl.ID, Slug: "points", Name: "Points", FieldType: FieldTypeInteger, Enabled: true,
		Default: 0, Rules: []ValidationRule{{Type: "between", From: &from, To: &to}}})
	if err != nil || f.FlowID != fl.ID || f.FieldType != "integer" || string(f.Default) != "0" || len(f.Rules) != 1 || *f.Rules[0].To != 1000 {
		t.Fatalf("create field %+v %v", f, err)
	}
	tier, err := c.CreateField(ctx, "customers", FieldCreate{FlowID: fl.ID, Slug: "tier", Name: "Tier", FieldType: FieldTypeString, Enabled: true,
		Rules: []ValidationRule{{Type: "enum", Options: []json.RawMessage{json.RawMessage(`"gold"`), json.RawMessage(`"silver"`)}}}})
	if err != nil || len(tier.Rules) != 1 || len(tier.Rules[0].Options) != 2 {
		t.Fatalf("create enum field %+v %v", tier, err)
	}
	desc := "loyalty points"
	up, err := c.UpdateField(ctx, f.ID, FieldUpdate{Description: &desc, ClearDefault: true})
	if err != nil || up.Description != desc || up.Default != nil || up.Name != "Points" {
		t.Fatalf("update field %+v %v", up, err)
	}
	fields, err := c.FlowFields(ctx, "customers")
	if err != nil || len(fields) != 2 {
		t.Fatalf("flow fields %v %v", fields, err)
	}

	cu, err := c.CreateCustomer(ctx, CustomerCreate{Name: "Ann", Email: "ann@example.com", Custom: map[string]any{"points": 120, "tier": "gold"}})
	if err != nil || string(cu.Custom["points"]) != "120" || string(cu.Custom["tier"]) != `"gold"` {
		t.Fatalf("create customer %+v %v", cu, err)
	}
	cu, err = c.UpdateCustomer(ctx, cu.ID, CustomerUpdate{Custom: map[string]any{"tier": nil}})
	if err != nil || string(cu.Custom["tier"]) != "null" || string(cu.Custom["points"]) != "120" {
		t.Fatalf("clear %+v %v", cu, err)
	}
	reqs := api.Requests()
	last := reqs[len(reqs)-1]
	if last.Method != http.MethodPut || string(last.Body) != `{"data":{"tier":null,"type":"customer"}}` {
		t.Errorf("clear sent %s %s", last.Method, last.Body)
	}
	_, err = c.UpdateCustomer(ctx, cu.ID, CustomerUpdate{Custom: map[string]any{"points": 5000}})
	var apiErr *APIError
	if StatusOf(err) != http.StatusUnprocessableEntity || !strings.Contains(err.Error(), "/data/points") {
		t.Errorf("out of range: %v", err)
	} else if !errors.As(err, &apiErr) || apiErr.Errors[0].Source.Pointer != "/data/points" {
		t.Errorf("pointer of %v", err)
	}
	if _, err := c.CreateCustomer(ctx, CustomerCreate{Name: "Bo", Email: "bo@example.com", Custom: map[string]any{"email": "x"}}); err == nil || !strings.Contains(err.Error(), `"email"`) {
		t.Errorf("a custom key that is the customer's own: %v", err)
	}

	if err := c.DeleteField(ctx, f.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetField(ctx, f.ID); !IsNotFound(err) {
		t.Errorf("get of a deleted field: %v", err)
	}
	if err := c.DeleteField(ctx, f.ID); err != nil {
		t.Errorf("delete of a deleted field: %v", err)
	}
}
