package moltin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Flow is a flow: the store's own data on one kind of object. A core flow
// (slug `customers`, `accounts`, …) extends the core object of that plural
// name, and cannot be deleted.
type Flow struct {
	ID          string
	Slug        string
	Name        string
	Description string
	Enabled     bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

type wireFlow struct {
	Type        string   `json:"type"`
	ID          string   `json:"id"`
	Slug        string   `json:"slug"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Enabled     bool     `json:"enabled"`
	Meta        wireMeta `json:"meta"`
}

func (w *wireFlow) flow() (Flow, error) {
	f := Flow{ID: w.ID, Slug: w.Slug, Name: w.Name, Description: w.Description, Enabled: w.Enabled}
	var err error
	f.CreatedAt, f.UpdatedAt, err = w.Meta.stamps("a flow", f.ID)
	return f, err
}

// FlowCreate is the body of a flow create.
type FlowCreate struct {
	Slug        string
	Name        string
	Description string
	Enabled     bool
}

func (in FlowCreate) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any{"data": map[string]any{
		"type": "flow", "slug": in.Slug, "name": in.Name, "description": in.Description, "enabled": in.Enabled,
	}})
}

func flowPath(id string) string { return objectPath("/v2/flows", id) }

// ListFlows reads every flow of the store. The API documents no paging or
// filter for flows, and a store has few.
func (c *Client) ListFlows(ctx context.Context) ([]Flow, error) {
	return collect(listPages(ctx, c, "/v2/flows", ListOptions{}, (*wireFlow).flow))
}

// FindFlowBySlug looks the flow of that slug up in the list (the API has no
// filter for it).
func (c *Client) FindFlowBySlug(ctx context.Context, slug string) (Flow, bool, error) {
	flows, err := c.ListFlows(ctx)
	if err != nil {
		return Flow{}, false, err
	}
	for _, f := range flows {
		if f.Slug == slug {
			return f, true, nil
		}
	}
	return Flow{}, false, nil
}

// GetFlow reads one flow by id.
func (c *Client) GetFlow(ctx context.Context, id string) (Flow, error) {
	return callObject(ctx, c, http.MethodGet, flowPath(id), nil, (*wireFlow).flow)
}

// CreateFlow creates a flow. One whose outcome is unknown is looked up by
// slug before it is sent again (createOnce); a slug taken meanwhile is an
// *APIError (422) for which IsConflict is true.
func (c *Client) CreateFlow(ctx context.Context, in FlowCreate) (Flow, error) {
	return createOnce(ctx, c, createFlow[Flow]{
		what:   "flow",
		path:   "/v2/flows",
		body:   in,
		decode: decodeObject((*wireFlow).flow),
		find:   func(ctx context.Context) (Flow, bool, error) { return c.FindFlowBySlug(ctx, in.Slug) },
		logID:  func(f Flow) map[string]any { return map[string]any{"flow_id": f.ID} },
	})
}

// DeleteFlow deletes a flow; one already gone is no error. A core flow
// cannot be deleted: the API answers 405.
func (c *Client) DeleteFlow(ctx context.Context, id string) error {
	if _, err := c.deleteObject(ctx, flowPath(id)); err != nil {
		return fmt.Errorf("deleting flow %s: %w", id, err)
	}
	return nil
}
