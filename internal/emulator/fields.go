package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Fields of flows: typed keys with validation rules. The types and rules
// are those of the fact sheet (§8); `relationship` fields are not
// emulated.

const maxFieldsPerFlow = 100

var fieldTypes = map[string]bool{"string": true, "integer": true, "float": true, "boolean": true, "date": true}

var slugPattern = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func validSlug(s string) bool { return slugPattern.MatchString(s) }

// valueSlugPattern is what a `slug` validation rule accepts of a value.
var valueSlugPattern = regexp.MustCompile(`^[a-z0-9]+(?:[-_][a-z0-9]+)*$`)

type field struct {
	id, flowID, slug, name, description, fieldType string
	required, enabled, omitNull                    bool
	order                                          int64
	def                                            any // nil: none
	rules                                          []rule
	createdAt, updatedAt                           time.Time
}

// rule is one validation rule, options already typed for the field.
type rule struct {
	typ      string
	options  []any    // enum
	from, to *float64 // between
}

func (r rule) json() map[string]any {
	out := map[string]any{"type": r.typ}
	switch r.typ {
	case "enum":
		out["options"] = r.options
	case "between":
		opts := map[string]any{}
		if r.from != nil {
			opts["from"] = *r.from
		}
		if r.to != nil {
			opts["to"] = *r.to
		}
		out["options"] = opts
	}
	return out
}

func fieldJSON(f *field) map[string]any {
	rules := make([]map[string]any, 0, len(f.rules))
	for _, r := range f.rules {
		rules = append(rules, r.json())
	}
	return map[string]any{
		"type": "field", "id": f.id, "name": f.name, "slug": f.slug, "field_type": f.fieldType,
		"description": f.description, "required": f.required, "default": f.def, "enabled": f.enabled,
		"order": f.order, "omit_null": f.omitNull, "validation_rules": rules,
		"links":         map[string]any{"self": "/v2/fields/" + f.id},
		"relationships": map[string]any{"flow": map[string]any{"data": map[string]any{"type": "flow", "id": f.flowID}}},
		"meta": map[string]any{"owner": "store", "timestamps": map[string]any{
			"created_at": f.createdAt.UTC().Format(timestampLayout),
			"updated_at": f.updatedAt.UTC().Format(timestampLayout),
		}},
	}
}

// decodeNumber keeps integers exact.
func decodeJSON(raw json.RawMessage) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// typed checks that raw is a value of the type; it returns the value as
// stored (string, int64, float64 or bool) or why not.
func typedValue(fieldType string, raw json.RawMessage) (any, string) {
	v, err := decodeJSON(raw)
	if err != nil {
		return nil, "is not valid JSON"
	}
	switch fieldType {
	case "string":
		s, ok := v.(string)
		if !ok {
			return nil, "must be a string"
		}
		if strings.HasPrefix(s, "$") {
			return nil, "must not start with $"
		}
		return s, ""
	case "date":
		s, ok := v.(string)
		if !ok {
			return nil, "must be a date string YYYY-MM-DD"
		}
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return nil, fmt.Sprintf("must be a date YYYY-MM-DD, not %q", clipString(s, 40))
		}
		return s, ""
	case "boolean":
		b, ok := v.(bool)
		if !ok {
			return nil, "must be a boolean"
		}
		return b, ""
	case "integer":
		n, ok := v.(json.Number)
		if !ok {
			return nil, "must be an integer"
		}
		i, err := n.Int64()
		if err != nil {
			f, ferr := n.Float64()
			if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
				return nil, "must be an integer"
			}
			i = int64(f)
		}
		return i, ""
	case "float":
		n, ok := v.(json.Number)
		if !ok {
			return nil, "must be a number"
		}
		f, err := n.Float64()
		if err != nil {
			return nil, "must be a number"
		}
		return f, ""
	}
	return nil, "has a type the emulator does not know"
}

func clipString(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func asFloat(v any) float64 {
	switch n := v.(type) {
	case int64:
		return float64(n)
	case float64:
		return n
	}
	return math.NaN()
}

// checkValue checks raw against the field's type and rules.
func (f *field) checkValue(raw json.RawMessage) (any, string) {
	v, why := typedValue(f.fieldType, raw)
	if why != "" {
		return nil, why
	}
	return v, checkRules(f.fieldType, f.rules, v)
}

func checkRules(fieldType string, rules []rule, v any) string {
	for _, r := range rules {
		switch r.typ {
		case "enum":
			found := false
			for _, o := range r.options {
				if o == v || (fieldType == "float" || fieldType == "integer") && asFloat(o) == asFloat(v) {
					found = true
					break
				}
			}
			if !found {
				return fmt.Sprintf("must be one of %s", optionList(r.options))
			}
		case "between":
			x := asFloat(v)
			if r.from != nil && x < *r.from || r.to != nil && x > *r.to {
				return fmt.Sprintf("must be between %v and %v", bound(r.from), bound(r.to))
			}
		case "email":
			if s, _ := v.(string); !validEmail(s) {
				return "must be an email address"
			}
		case "slug":
			if s, _ := v.(string); !valueSlugPattern.MatchString(s) {
				return "must be a slug (lower-case letters, digits, hyphens, underscores)"
			}
		}
	}
	return ""
}

func bound(p *float64) any {
	if p == nil {
		return "unbounded"
	}
	return *p
}

func optionList(opts []any) string {
	parts := make([]string, len(opts))
	for i, o := range opts {
		parts[i] = fmt.Sprint(o)
	}
	return strings.Join(parts, ", ")
}

// parseRules reads validation_rules for a field of fieldType.
func parseRules(fieldType string, raw json.RawMessage) ([]rule, *apiError) {
	bad := func(i int, detail string) ([]rule, *apiError) {
		e := unprocessable(detail, fmt.Sprintf("/data/validation_rules/%d", i))
		return nil, &e
	}
	if isNull(raw) {
		return nil, nil
	}
	var list []struct {
		Type    string          `json:"type"`
		Options json.RawMessage `json:"options"`
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		e := unprocessable("validation_rules must be an array of {type, options}", "/data/validation_rules")
		return nil, &e
	}
	var out []rule
	for i, r := range list {
		switch r.Type {
		case "enum":
			if fieldType == "boolean" {
				return bad(i, "an enum rule does not apply to a boolean field")
			}
			var opts []json.RawMessage
			if err := json.Unmarshal(r.Options, &opts); err != nil || len(opts) == 0 {
				return bad(i, "an enum rule needs options: a non-empty array of values")
			}
			rl := rule{typ: "enum"}
			for _, o := range opts {
				v, why := typedValue(fieldType, o)
				if why != "" {
					return bad(i, "enum option "+string(o)+" "+why)
				}
				rl.options = append(rl.options, v)
			}
			out = append(out, rl)
		case "between":
			if fieldType != "integer" && fieldType != "float" {
				return bad(i, "a between rule applies to integer and float fields only")
			}
			var opts struct {
				From *float64 `json:"from"`
				To   *float64 `json:"to"`
			}
			if err := json.Unmarshal(r.Options, &opts); err != nil || opts.From == nil && opts.To == nil {
				return bad(i, "a between rule needs options {from, to} of numbers")
			}
			if opts.From != nil && opts.To != nil && *opts.From > *opts.To {
				return bad(i, "a between rule's from must not exceed its to")
			}
			out = append(out, rule{typ: "between", from: opts.From, to: opts.To})
		case "email", "slug":
			if fieldType != "string" {
				return bad(i, "an "+r.Type+" rule applies to string fields only")
			}
			out = append(out, rule{typ: r.Type})
		default:
			return bad(i, fmt.Sprintf("unknown validation rule type %q: use enum, between, email or slug", r.Type))
		}
	}
	return out, nil
}

// fieldInput is a field create or update body; nil means absent.
type fieldInput struct {
	name, slug, description, fieldType, flowID *string
	required, enabled, omitNull                *bool
	order                                      *int64
	defSet                                     bool
	defRaw                                     json.RawMessage
	rulesSet                                   bool
	rulesRaw                                   json.RawMessage
}

func parseFieldInput(body []byte, create bool) (fieldInput, *response) {
	var in fieldInput
	data, errs, errResp := decodeTyped(body, "field")
	if errResp != nil {
		return in, errResp
	}
	for _, k := range []struct {
		key  string
		dst  **string
		need bool
	}{{"name", &in.name, true}, {"slug", &in.slug, true}, {"description", &in.description, false}, {"field_type", &in.fieldType, true}} {
		v, present, null, e := stringField(data, k.key)
		if e != nil {
			e.Status, e.Title = http.StatusUnprocessableEntity, "Unprocessable Entity"
			errs.add(e)
			continue
		}
		if present && !null {
			*k.dst = &v
		} else if k.need && (create || present) {
			errs = append(errs, unprocessable(k.key+" is required", "/data/"+k.key))
		}
	}
	if in.name != nil && strings.TrimSpace(*in.name) == "" {
		errs = append(errs, unprocessable("name must not be empty", "/data/name"))
	}
	if in.slug != nil && (!validSlug(*in.slug) || strings.HasPrefix(*in.slug, "$")) {
		errs = append(errs, unprocessable("slug may hold only letters, digits, hyphens and underscores", "/data/slug"))
	}
	if in.fieldType != nil && !fieldTypes[*in.fieldType] {
		errs = append(errs, unprocessable(fmt.Sprintf("field_type %q is not one of string, integer, float, boolean, date", *in.fieldType), "/data/field_type"))
	}
	for _, k := range []struct {
		key string
		dst **bool
	}{{"required", &in.required}, {"enabled", &in.enabled}, {"omit_null", &in.omitNull}} {
		if raw, ok := data[k.key]; ok && !isNull(raw) {
			v, e := boolField(data, k.key, false)
			errs.add(e)
			*k.dst = &v
		}
	}
	if raw, ok := data["order"]; ok && !isNull(raw) {
		var n int64
		if err := json.Unmarshal(raw, &n); err != nil {
			errs = append(errs, unprocessable("order must be an integer", "/data/order"))
		}
		in.order = &n
	}
	in.defRaw, in.defSet = data["default"]
	in.rulesRaw, in.rulesSet = data["validation_rules"]
	if raw, ok := data["relationships"]; ok {
		var rel struct {
			Flow struct {
				Data struct {
					Type string `json:"type"`
					ID   string `json:"id"`
				} `json:"data"`
			} `json:"flow"`
		}
		if err := json.Unmarshal(raw, &rel); err != nil || rel.Flow.Data.ID == "" {
			errs = append(errs, unprocessable("relationships.flow.data.id is required", "/data/relationships/flow/data/id"))
		} else {
			in.flowID = &rel.Flow.Data.ID
		}
	} else if create {
		errs = append(errs, unprocessable("relationships.flow.data.id is required", "/data/relationships/flow/data/id"))
	}
	if len(errs) > 0 {
		return in, unprocessableResponse(errs...)
	}
	return in, nil
}

// applyRulesAndDefault sets the field's rules and default from in, checking
// that the default passes the type and the rules.
func (f *field) applyRulesAndDefault(in fieldInput) *apiError {
	rules := f.rules
	if in.rulesSet {
		r, e := parseRules(f.fieldType, in.rulesRaw)
		if e != nil {
			return e
		}
		rules = r
	}
	def := f.def
	if in.defSet {
		def = nil
		if !isNull(in.defRaw) {
			v, why := typedValue(f.fieldType, in.defRaw)
			if why == "" {
				why = checkRules(f.fieldType, rules, v)
			}
			if why != "" {
				e := unprocessable("default "+why, "/data/default")
				return &e
			}
			def = v
		}
	} else if def != nil {
		if why := checkRules(f.fieldType, rules, def); why != "" {
			e := unprocessable("the current default "+why+" under the new validation rules", "/data/validation_rules")
			return &e
		}
	}
	f.rules, f.def = rules, def
	return nil
}

// apply sets what in sends of the field's name, description, flags and
// order.
func (f *field) apply(in fieldInput) {
	if in.name != nil {
		f.name = *in.name
	}
	if in.description != nil {
		f.description = *in.description
	}
	for _, b := range []struct {
		src *bool
		dst *bool
	}{{in.required, &f.required}, {in.enabled, &f.enabled}, {in.omitNull, &f.omitNull}} {
		if b.src != nil {
			*b.dst = *b.src
		}
	}
	if in.order != nil {
		f.order = *in.order
	}
}

// fieldSlugFreeLocked is the 422 to answer when a field of the flow has the
// slug already.
func (s *Server) fieldSlugFreeLocked(fl *flow, slug string) *response {
	for _, sib := range s.flowState.fieldsOfLocked(fl.id) {
		if sib.slug == slug {
			return unprocessableResponse(unprocessable(fmt.Sprintf("the flow %s already has a field with the slug %s", fl.slug, slug), "/data/slug"))
		}
	}
	return nil
}

func (s *Server) handleFieldCreate(c *call) *response {
	in, errResp := parseFieldInput(c.body, true)
	if errResp != nil {
		return errResp
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fs := &s.flowState
	fs.init()
	fl, ok := fs.flows[*in.flowID]
	if !ok {
		return unprocessableResponse(unprocessable(fmt.Sprintf("flow %s does not exist", *in.flowID), "/data/relationships/flow/data/id"))
	}
	if len(fs.fieldsOfLocked(fl.id)) >= maxFieldsPerFlow {
		return unprocessableResponse(unprocessable(fmt.Sprintf("the flow %s already has %d fields, the most a flow can have", fl.slug, maxFieldsPerFlow), "/data/relationships/flow"))
	}
	if errResp := s.fieldSlugFreeLocked(fl, *in.slug); errResp != nil {
		return errResp
	}
	now := nowMillis()
	f := &field{id: newUUID(), flowID: fl.id, slug: *in.slug, fieldType: *in.fieldType, enabled: true, createdAt: now, updatedAt: now}
	f.apply(in)
	if e := f.applyRulesAndDefault(in); e != nil {
		return unprocessableResponse(*e)
	}
	fs.fields[f.id] = f
	return jsonResponse(http.StatusCreated, map[string]any{"data": fieldJSON(f)})
}

func (s *Server) handleFieldList(flowSlug string) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	fs := &s.flowState
	fs.init()
	var list []*field
	if flowSlug != "" {
		fl := fs.flowBySlugLocked(flowSlug)
		if fl == nil {
			return notFound(fmt.Sprintf("flow %s not found", flowSlug))
		}
		list = fs.fieldsOfLocked(fl.id)
	} else {
		for _, f := range fs.fields {
			list = append(list, f)
		}
		sort.Slice(list, func(i, j int) bool { return byCreation(list[i].createdAt, list[i].id, list[j].createdAt, list[j].id) })
	}
	return allResponse(list, fieldJSON)
}

// fieldLocked finds a field, or the 404 to answer.
func (s *Server) fieldLocked(id string) (*field, *response) {
	s.flowState.init()
	f, ok := s.flowState.fields[id]
	if !ok {
		return nil, notFound(fmt.Sprintf("field %s not found", id))
	}
	return f, nil
}

func (s *Server) handleFieldGet(id string) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, errResp := s.fieldLocked(id)
	if errResp != nil {
		return errResp
	}
	return jsonResponse(http.StatusOK, map[string]any{"data": fieldJSON(f)})
}

func (s *Server) handleFieldUpdate(c *call, id string) *response {
	in, errResp := parseFieldInput(c.body, false)
	if errResp != nil {
		return errResp
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, errResp := s.fieldLocked(id)
	if errResp != nil {
		return errResp
	}
	if in.fieldType != nil && *in.fieldType != f.fieldType {
		return unprocessableResponse(unprocessable("field_type cannot be changed", "/data/field_type"))
	}
	if in.flowID != nil && *in.flowID != f.flowID {
		return unprocessableResponse(unprocessable("a field cannot move to another flow", "/data/relationships/flow/data/id"))
	}
	fs := &s.flowState
	fl := fs.flows[f.flowID]
	if in.slug != nil && *in.slug != f.slug {
		if errResp := s.fieldSlugFreeLocked(fl, *in.slug); errResp != nil {
			return errResp
		}
	}
	next := *f
	if e := next.applyRulesAndDefault(in); e != nil {
		return unprocessableResponse(*e)
	}
	if in.slug != nil && *in.slug != f.slug && fl != nil {
		for _, vals := range fs.values[fl.slug] {
			if v, ok := vals[f.slug]; ok {
				delete(vals, f.slug)
				vals[*in.slug] = v
			}
		}
		next.slug = *in.slug
	}
	next.apply(in)
	next.updatedAt = nextUpdate(f.updatedAt)
	*f = next
	return jsonResponse(http.StatusOK, map[string]any{"data": fieldJSON(f)})
}

// handleFieldDelete deletes a field and, with it, the values stored under
// it (what the real API does to them is not documented).
func (s *Server) handleFieldDelete(id string) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, errResp := s.fieldLocked(id)
	if errResp != nil {
		return errResp
	}
	fs := &s.flowState
	if fl := fs.flows[f.flowID]; fl != nil {
		for _, vals := range fs.values[fl.slug] {
			delete(vals, f.slug)
		}
	}
	delete(fs.fields, id)
	return noContent()
}
