package moltin

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// Field types of a flow's field.
const (
	FieldTypeString  = "string"
	FieldTypeInteger = "integer"
	FieldTypeFloat   = "float"
	FieldTypeBoolean = "boolean"
	FieldTypeDate    = "date"
)

// Field is a field of a flow: a key that the flow's objects carry.
type Field struct {
	ID          string
	FlowID      string
	Slug        string
	Name        string
	Description string
	FieldType   string
	Required    bool
	Enabled     bool
	OmitNull    bool
	Order       int64
	// Default is the default value as JSON; nil when there is none.
	Default json.RawMessage
	Rules   []ValidationRule
	CreatedAt,
	UpdatedAt time.Time
}

// ValidationRule is one of a field's validation_rules: `enum` (Options),
// `between` (From, To), `email` or `slug`.
type ValidationRule struct {
	Type string
	// Options are the values an enum allows, as JSON.
	Options  []json.RawMessage
	From, To *float64
}

type wireRule struct {
	Type    string          `json:"type"`
	Options json.RawMessage `json:"options,omitempty"`
}

func (r ValidationRule) MarshalJSON() ([]byte, error) {
	w := wireRule{Type: r.Type}
	switch r.Type {
	case "enum":
		b, err := json.Marshal(r.Options)
		if err != nil {
			return nil, err
		}
		w.Options = b
	case "between":
		opts := map[string]float64{}
		if r.From != nil {
			opts["from"] = *r.From
		}
		if r.To != nil {
			opts["to"] = *r.To
		}
		b, _ := json.Marshal(opts)
		w.Options = b
	}
	return json.Marshal(w)
}

func (r *ValidationRule) UnmarshalJSON(b []byte) error {
	var w wireRule
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = ValidationRule{Type: w.Type}
	opts := bytes.TrimSpace(w.Options)
	switch {
	case len(opts) == 0 || string(opts) == "null":
	case opts[0] == '[':
		return json.Unmarshal(opts, &r.Options)
	case opts[0] == '{':
		var between struct {
			From *float64 `json:"from"`
			To   *float64 `json:"to"`
		}
		if err := json.Unmarshal(opts, &between); err != nil {
			return err
		}
		r.From, r.To = between.From, between.To
	}
	return nil
}

type wireField struct {
	Type            string           `json:"type"`
	ID              string           `json:"id"`
	Slug            string           `json:"slug"`
	Name            string           `json:"name"`
	Description     string           `json:"description"`
	FieldType       string           `json:"field_type"`
	Required        bool             `json:"required"`
	Enabled         bool             `json:"enabled"`
	OmitNull        bool             `json:"omit_null"`
	Order           *int64           `json:"order"`
	Default         json.RawMessage  `json:"default"`
	ValidationRules []ValidationRule `json:"validation_rules"`
	Relationships   struct {
		Flow struct {
			Data struct {
				ID string `json:"id"`
			} `json:"data"`
		} `json:"flow"`
	} `json:"relationships"`
	Meta wireMeta `json:"meta"`
}

func (w *wireField) field() (Field, error) {
	f := Field{ID: w.ID, FlowID: w.Relationships.Flow.Data.ID, Slug: w.Slug, Name: w.Name, Description: w.Description,
		FieldType: w.FieldType, Required: w.Required, Enabled: w.Enabled, OmitNull: w.OmitNull, Rules: w.ValidationRules}
	if w.Order != nil {
		f.Order = *w.Order
	}
	if d := bytes.TrimSpace(w.Default); len(d) > 0 && string(d) != "null" {
		f.Default = d
	}
	var err error
	f.CreatedAt, f.UpdatedAt, err = w.Meta.stamps("a field", f.ID)
	return f, err
}

// FieldCreate is the body of a field create. Default nil sends none.
type FieldCreate struct {
	FlowID      string
	Slug        string
	Name        string
	Description string
	FieldType   string
	Required    bool
	Enabled     bool
	OmitNull    bool
	Default     any
	Rules       []ValidationRule
}

func (in FieldCreate) MarshalJSON() ([]byte, error) {
	rules := in.Rules
	if rules == nil {
		rules = []ValidationRule{}
	}
	data := map[string]any{
		"type": "field", "slug": in.Slug, "name": in.Name, "description": in.Description,
		"field_type": in.FieldType, "required": in.Required, "enabled": in.Enabled, "omit_null": in.OmitNull,
		"validation_rules": rules,
		"relationships":    map[string]any{"flow": map[string]any{"data": map[string]any{"type": "flow", "id": in.FlowID}}},
	}
	if in.Default != nil {
		data["default"] = in.Default
	}
	return json.Marshal(map[string]any{"data": data})
}

// FieldUpdate is a partial update: only what is set is sent. ClearDefault
// sends `"default": null`; Rules non-nil replaces the rules (empty: none).
type FieldUpdate struct {
	Slug         *string
	Name         *string
	Description  *string
	Required     *bool
	Enabled      *bool
	Default      any
	ClearDefault bool
	Rules        []ValidationRule
}

// IsEmpty reports whether the update would change nothing.
func (in FieldUpdate) IsEmpty() bool {
	return in.Slug == nil && in.Name == nil && in.Description == nil && in.Required == nil && in.Enabled == nil &&
		in.Default == nil && !in.ClearDefault && in.Rules == nil
}

func (in FieldUpdate) MarshalJSON() ([]byte, error) {
	data := map[string]any{"type": "field"}
	for k, v := range map[string]*string{"slug": in.Slug, "name": in.Name, "description": in.Description} {
		if v != nil {
			data[k] = *v
		}
	}
	for k, v := range map[string]*bool{"required": in.Required, "enabled": in.Enabled} {
		if v != nil {
			data[k] = *v
		}
	}
	if in.Default != nil {
		data["default"] = in.Default
	} else if in.ClearDefault {
		data["default"] = nil
	}
	if in.Rules != nil {
		data["validation_rules"] = in.Rules
	}
	return json.Marshal(map[string]any{"data": data})
}

func fieldPath(id string) string { return objectPath("/v2/fields", id) }

// decodeField reads the answer of a create, read or update of a field.
var decodeField = decodeObject((*wireField).field)

// CreateField creates a field. One whose outcome is unknown is looked up
// among the flow's fields by slug before it is sent again (flowSlug names
// the flow for that lookup).
func (c *Client) CreateField(ctx context.Context, flowSlug string, in FieldCreate) (Field, error) {
	return createOnce(ctx, c, createFlow[Field]{
		what:   "field",
		path:   "/v2/fields",
		body:   in,
		decode: decodeField,
		find: func(ctx context.Context) (Field, bool, error) {
			fields, err := c.FlowFields(ctx, flowSlug)
			if err != nil {
				return Field{}, false, err
			}
			for _, f := range fields {
				if f.Slug == in.Slug {
					return f, true, nil
				}
			}
			return Field{}, false, nil
		},
		logID: func(f Field) map[string]any { return map[string]any{"field_id": f.ID} },
	})
}

// GetField reads one field; a missing one is an *APIError for which
// IsNotFound is true.
func (c *Client) GetField(ctx context.Context, id string) (Field, error) {
	var raw json.RawMessage
	if err := c.do(ctx, http.MethodGet, fieldPath(id), nil, nil, &raw); err != nil {
		return Field{}, err
	}
	return decodeField(raw)
}

// UpdateField sends a partial update and returns the whole field.
func (c *Client) UpdateField(ctx context.Context, id string, in FieldUpdate) (Field, error) {
	var raw json.RawMessage
	if err := c.do(ctx, http.MethodPut, fieldPath(id), nil, in, &raw); err != nil {
		return Field{}, err
	}
	return decodeField(raw)
}

// DeleteField deletes a field; one already gone is no error.
func (c *Client) DeleteField(ctx context.Context, id string) error {
	_, err := c.deleteObject(ctx, fieldPath(id))
	return err
}

// FlowFields lists the fields of the flow with that slug; a missing flow is
// an *APIError for which IsNotFound is true.
func (c *Client) FlowFields(ctx context.Context, flowSlug string) ([]Field, error) {
	return collect(listPages(ctx, c, flowPath(flowSlug)+"/fields", ListOptions{}, (*wireField).field))
}

// ListFields lists every field of the store.
func (c *Client) ListFields(ctx context.Context) ([]Field, error) {
	return collect(listPages(ctx, c, "/v2/fields", ListOptions{}, (*wireField).field))
}
