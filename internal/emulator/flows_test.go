package emulator

import (
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"
)

func flowBody(fields map[string]any) map[string]any { return body("flow", fields) }

// fieldBody is a field's body in flowID's flow; fields may override the flow.
func fieldBody(flowID string, fields map[string]any) map[string]any {
	data := map[string]any{"relationships": map[string]any{"flow": map[string]any{"data": map[string]any{"type": "flow", "id": flowID}}}}
	maps.Copy(data, fields)
	return body("field", data)
}

func (h *harness) createFlow(slug string) string {
	h.t.Helper()
	r := h.api(http.MethodPost, "/v2/flows", flowBody(map[string]any{"name": slug, "slug": slug, "description": "d", "enabled": true}), nil)
	if r.status != http.StatusCreated {
		h.t.Fatalf("flow create: %d %s", r.status, r.body)
	}
	return r.data(h.t)["id"].(string)
}

func (h *harness) createField(flowID string, fields map[string]any) map[string]any {
	h.t.Helper()
	r := h.api(http.MethodPost, "/v2/fields", fieldBody(flowID, fields), nil)
	if r.status != http.StatusCreated {
		h.t.Fatalf("field create %v: %d %s", fields, r.status, r.body)
	}
	return r.data(h.t)
}

// deleteAndGone deletes path, which must answer 204, and then must not find
// it.
func (h *harness) deleteAndGone(path string) {
	h.t.Helper()
	if r := h.api(http.MethodDelete, path, nil, nil); r.status != http.StatusNoContent {
		h.t.Errorf("DELETE %s: %d %s", path, r.status, r.body)
	}
	if r := h.api(http.MethodGet, path, nil, nil); r.status != http.StatusNotFound {
		h.t.Errorf("GET %s after delete: %d", path, r.status)
	}
}

// expect422 checks a 422 whose first error points at pointer.
func expect422(t *testing.T, what string, r result, pointer string) {
	t.Helper()
	if r.status != http.StatusUnprocessableEntity {
		t.Errorf("%s: want 422, got %d %s", what, r.status, r.body)
		return
	}
	src, _ := r.firstError(t)["source"].(map[string]any)
	if src["pointer"] != pointer {
		t.Errorf("%s: pointer %v, want %s (%s)", what, src["pointer"], pointer, r.body)
	}
}

func TestFlowsCRUD(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()
	id := h.createFlow("customers")
	expect422(t, "duplicate flow slug", h.api(http.MethodPost, "/v2/flows", flowBody(map[string]any{"name": "x", "slug": "customers"}), nil), "/data/slug")

	r := h.api(http.MethodGet, "/v2/flows", nil, nil)
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `"slug":"customers"`) {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
	d := h.api(http.MethodGet, "/v2/flows/"+id, nil, nil).data(t)
	if d["type"] != "flow" || d["slug"] != "customers" || d["meta"].(map[string]any)["owner"] != "store" {
		t.Errorf("get: %v", d)
	}
	if r := h.api(http.MethodPut, "/v2/flows/"+id, flowBody(map[string]any{"description": "new"}), nil); r.status != http.StatusOK || r.data(t)["name"] != "customers" || r.data(t)["description"] != "new" {
		t.Errorf("partial put: %d %s", r.status, r.body)
	}
	if r := h.api(http.MethodDelete, "/v2/flows/"+id, nil, nil); r.status != http.StatusMethodNotAllowed {
		t.Errorf("delete of a core flow: want 405, got %d %s", r.status, r.body)
	}
	other := h.createFlow("wishlists")
	h.deleteAndGone("/v2/flows/" + other)
}

func TestFieldsCRUDAndRules(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()
	flowID := h.createFlow("customers")
	f := h.createField(flowID, map[string]any{"name": "Tier", "slug": "tier", "field_type": "string",
		"validation_rules": []any{map[string]any{"type": "enum", "options": []any{"gold", "silver"}}}})
	if f["enabled"] != true || f["required"] != false || f["relationships"].(map[string]any)["flow"].(map[string]any)["data"].(map[string]any)["id"] != flowID {
		t.Errorf("field defaults: %v", f)
	}
	fid := f["id"].(string)
	expect422(t, "duplicate slug", h.api(http.MethodPost, "/v2/fields", fieldBody(flowID, map[string]any{"name": "T", "slug": "tier", "field_type": "integer"}), nil), "/data/slug")
	expect422(t, "unknown type", h.api(http.MethodPost, "/v2/fields", fieldBody(flowID, map[string]any{"name": "T", "slug": "t2", "field_type": "text"}), nil), "/data/field_type")
	expect422(t, "between on a string", h.api(http.MethodPost, "/v2/fields", fieldBody(flowID, map[string]any{"name": "T", "slug": "t3", "field_type": "string",
		"validation_rules": []any{map[string]any{"type": "between", "options": map[string]any{"from": 1, "to": 2}}}}), nil), "/data/validation_rules/0")
	expect422(t, "default outside the enum", h.api(http.MethodPost, "/v2/fields", fieldBody(flowID, map[string]any{"name": "T", "slug": "t4", "field_type": "string", "default": "bronze",
		"validation_rules": []any{map[string]any{"type": "enum", "options": []any{"gold"}}}}), nil), "/data/default")
	expect422(t, "missing flow", h.api(http.MethodPost, "/v2/fields", fieldBody("nope", map[string]any{"name": "T", "slug": "t5", "field_type": "string"}), nil), "/data/relationships/flow/data/id")

	expect422(t, "field_type change", h.api(http.MethodPut, "/v2/fields/"+fid, map[string]any{"data": map[string]any{"type": "field", "field_type": "integer"}}, nil), "/data/field_type")
	if r := h.api(http.MethodPut, "/v2/fields/"+fid, map[string]any{"data": map[string]any{"type": "field", "description": "loyalty"}}, nil); r.status != http.StatusOK || r.data(t)["name"] != "Tier" || r.data(t)["description"] != "loyalty" {
		t.Errorf("partial put: %d %s", r.status, r.body)
	}
	r := h.api(http.MethodGet, "/v2/flows/customers/fields", nil, nil)
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `"slug":"tier"`) {
		t.Errorf("fields of the flow: %d %s", r.status, r.body)
	}
	h.deleteAndGone("/v2/fields/" + fid)
}

func TestFieldsLimitPerFlow(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()
	flowID := h.createFlow("accounts")
	for i := range maxFieldsPerFlow {
		h.createField(flowID, map[string]any{"name": "F", "slug": fmt.Sprintf("f%d", i), "field_type": "boolean"})
	}
	r := h.api(http.MethodPost, "/v2/fields", fieldBody(flowID, map[string]any{"name": "F", "slug": "one_more", "field_type": "boolean"}), nil)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "100 fields") {
		t.Errorf("101st field: %d %s", r.status, r.body)
	}
}

func TestCustomerFlowValues(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()
	flowID := h.createFlow("customers")
	h.createField(flowID, map[string]any{"name": "Tier", "slug": "tier", "field_type": "string",
		"validation_rules": []any{map[string]any{"type": "enum", "options": []any{"gold", "silver"}}}})
	h.createField(flowID, map[string]any{"name": "Points", "slug": "points", "field_type": "integer",
		"validation_rules": []any{map[string]any{"type": "between", "options": map[string]any{"from": 0, "to": 1000}}}})
	h.createField(flowID, map[string]any{"name": "Score", "slug": "score", "field_type": "float"})
	h.createField(flowID, map[string]any{"name": "VIP", "slug": "vip", "field_type": "boolean"})
	h.createField(flowID, map[string]any{"name": "Since", "slug": "since", "field_type": "date"})
	h.createField(flowID, map[string]any{"name": "Contact", "slug": "contact", "field_type": "string", "validation_rules": []any{map[string]any{"type": "email"}}})
	h.createField(flowID, map[string]any{"name": "Hidden", "slug": "hidden", "field_type": "string", "omit_null": true})

	c := h.create(map[string]any{"name": "Ann", "email": "ann@example.com", "tier": "gold", "points": 120, "vip": true, "since": "2024-05-01", "junk": "dropped"})
	id := c["id"].(string)
	if c["tier"] != "gold" || c["points"] != float64(120) || c["vip"] != true || c["since"] != "2024-05-01" {
		t.Errorf("created: %v", c)
	}
	// Every field of the flow, null where unset, save omit_null ones; an
	// unknown key is dropped silently.
	if v, ok := c["score"]; !ok || v != nil {
		t.Errorf("unset field should read null: %v", c)
	}
	if _, ok := c["hidden"]; ok {
		t.Errorf("omit_null field shown: %v", c)
	}
	if _, ok := c["junk"]; ok {
		t.Errorf("unknown key kept: %v", c)
	}

	put := func(fields map[string]any) result {
		return h.api(http.MethodPut, "/v2/customers/"+id, customerBody(fields), nil)
	}
	// A partial PUT changes only what it sends; null clears.
	r := put(map[string]any{"points": 130, "vip": nil})
	if d := r.data(t); r.status != http.StatusOK || d["points"] != float64(130) || d["vip"] != nil || d["tier"] != "gold" || d["name"] != "Ann" {
		t.Errorf("put: %d %s", r.status, r.body)
	}
	for _, bad := range []struct {
		key string
		v   any
	}{{"tier", "bronze"}, {"tier", 3}, {"points", "many"}, {"points", 1.5}, {"points", 5000}, {"vip", "yes"}, {"since", "May 1"}, {"score", "x"}, {"contact", "not-an-email"}, {"tier", "$gold"}} {
		r := put(map[string]any{bad.key: bad.v, "name": "Changed"})
		expect422(t, fmt.Sprintf("%s=%v", bad.key, bad.v), r, "/data/"+bad.key)
	}
	// Nothing was half-applied: the name of the refused PUTs stayed.
	if d := h.api(http.MethodGet, "/v2/customers/"+id, nil, nil).data(t); d["name"] != "Ann" || d["tier"] != "gold" {
		t.Errorf("a refused PUT changed something: %v", d)
	}
	// A refused create makes no customer.
	r = h.api(http.MethodPost, "/v2/customers", customerBody(map[string]any{"name": "Bo", "email": "bo@example.com", "points": -1}), nil)
	expect422(t, "create with a value out of range", r, "/data/points")
	if n := len(h.srv.Customers()); n != 1 {
		t.Errorf("%d customers after a refused create", n)
	}
	if got := h.srv.FlowValues("customers", id); got["points"] != int64(130) || len(got) != 3 {
		t.Errorf("stored values %v", got)
	}
	// The list carries the values too.
	if r := h.api(http.MethodGet, "/v2/customers", nil, nil); !strings.Contains(string(r.body), `"tier":"gold"`) {
		t.Errorf("list: %s", r.body)
	}
	// Deleting the customer forgets its values.
	h.api(http.MethodDelete, "/v2/customers/"+id, nil, nil)
	if got := h.srv.FlowValues("customers", id); len(got) != 0 {
		t.Errorf("values of a deleted customer kept: %v", got)
	}
}

func TestCustomerFlowValues_requiredAndDefault(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()
	flowID := h.createFlow("customers")
	h.createField(flowID, map[string]any{"name": "Seg", "slug": "segment", "field_type": "string", "required": true, "default": "retail"})
	h.createField(flowID, map[string]any{"name": "Code", "slug": "code", "field_type": "string", "required": true})
	r := h.api(http.MethodPost, "/v2/customers", customerBody(map[string]any{"name": "A", "email": "a@example.com"}), nil)
	expect422(t, "required without a value", r, "/data/code")
	c := h.create(map[string]any{"name": "A", "email": "a@example.com", "code": "x"})
	if c["segment"] != "retail" {
		t.Errorf("default not applied: %v", c)
	}
	expect422(t, "null on a required field", h.api(http.MethodPut, "/v2/customers/"+c["id"].(string), customerBody(map[string]any{"code": nil}), nil), "/data/code")
}

func TestCustomerFlowValues_rejectUnknown(t *testing.T) {
	h := newHarness(t, Config{RejectUnknownFlowKeys: true})
	h.login()
	h.createFlow("customers")
	r := h.api(http.MethodPost, "/v2/customers", customerBody(map[string]any{"name": "A", "email": "a@example.com", "junk": 1}), nil)
	expect422(t, "unknown key", r, "/data/junk")
}

func TestAccountFlowValues(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()
	flowID := h.createFlow("accounts")
	h.createField(flowID, map[string]any{"name": "Segment", "slug": "segment", "field_type": "string",
		"validation_rules": []any{map[string]any{"type": "enum", "options": []any{"b2b", "b2c"}}}})
	h.createField(flowID, map[string]any{"name": "Credit", "slug": "credit", "field_type": "float"})
	r := h.api(http.MethodPost, "/v2/accounts", map[string]any{"data": map[string]any{"type": "account", "name": "Acme", "segment": "b2b"}}, nil)
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	d := r.data(t)
	if d["segment"] != "b2b" || d["credit"] != nil {
		t.Errorf("created %s", r.body)
	}
	if _, ok := d["credit"]; !ok {
		t.Errorf("unset field not shown as null: %s", r.body)
	}
	id := d["id"].(string)
	r = h.api(http.MethodPut, "/v2/accounts/"+id, map[string]any{"data": map[string]any{"type": "account", "name": "Renamed", "segment": "retail"}}, nil)
	expect422(t, "enum on an account", r, "/data/segment")
	r = h.api(http.MethodPut, "/v2/accounts/"+id, map[string]any{"data": map[string]any{"type": "account", "credit": 2.5, "segment": nil}}, nil)
	if d := r.data(t); r.status != http.StatusOK || d["credit"] != 2.5 || d["segment"] != nil || d["name"] != "Acme" {
		t.Errorf("put: %d %s", r.status, r.body)
	}
}

// TestFlowRequestKinds: each flow and field route is logged with its own
// kind, so that a request count can tell the fields' setup from the rest.
func TestFlowRequestKinds(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()
	h.srv.ResetRequests()
	flowID := h.createFlow("customers")
	h.api(http.MethodGet, "/v2/flows", nil, nil)
	h.api(http.MethodGet, "/v2/flows/"+flowID, nil, nil)
	h.api(http.MethodPut, "/v2/flows/"+flowID, flowBody(map[string]any{"description": "d"}), nil)
	r := h.api(http.MethodPost, "/v2/fields", fieldBody(flowID, map[string]any{"name": "Tier", "slug": "tier", "field_type": "string", "required": false, "enabled": true}), nil)
	fieldID, _ := r.data(t)["id"].(string)
	h.api(http.MethodGet, "/v2/flows/customers/fields", nil, nil)
	h.api(http.MethodGet, "/v2/fields", nil, nil)
	h.api(http.MethodGet, "/v2/fields/"+fieldID, nil, nil)
	h.api(http.MethodPut, "/v2/fields/"+fieldID, fieldBody(flowID, map[string]any{"name": "Tier 2"}), nil)
	if got := h.srv.FieldSlugs("customers"); len(got) != 1 || got[0] != "tier" {
		t.Errorf("FieldSlugs: %v, want [tier]", got)
	}
	h.api(http.MethodDelete, "/v2/fields/"+fieldID, nil, nil)
	h.api(http.MethodDelete, "/v2/flows/"+flowID, nil, nil)
	if got := h.srv.FieldSlugs("customers"); len(got) != 0 {
		t.Errorf("FieldSlugs after the delete: %v", got)
	}
	h.api(http.MethodPatch, "/v2/fields", nil, nil)
	var kinds []string
	for _, q := range h.srv.Requests() {
		kinds = append(kinds, q.Kind)
	}
	want := []string{KindFlowCreate, KindFlowList, KindFlowGet, KindFlowUpdate, KindFieldCreate, KindFieldList, KindFieldList,
		KindFieldGet, KindFieldUpdate, KindFieldDelete, KindFlowDelete, KindOther}
	if strings.Join(kinds, ",") != strings.Join(want, ",") {
		t.Fatalf("kinds\n %v\nwant\n %v", kinds, want)
	}
}
