package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// Flows: the store's own data on core objects (customers, accounts, …).
// A flow is named by the slug of the objects it extends; its fields
// (fields.go) are the keys those objects then carry, top-level in `data`.
// The values live here, per flow and object id, so that any handler
// (customers now, accounts later) stores them with the same two calls:
// applyFlowValuesLocked on a POST or PUT, flowValuesLocked on every read.

// coreFlowSlugs are the flows of the core objects, which cannot be deleted:
// the API answers 405.
var coreFlowSlugs = map[string]bool{
	"customers": true, "accounts": true, "account-members": true,
	"account-memberships": true, "user-authentication-info": true,
	"orders": true, "products": true, "addresses": true,
}

type flow struct {
	id, slug, name, description string
	enabled                     bool
	createdAt, updatedAt        time.Time
}

// flowState is the Server's part for flows, fields and their values;
// guarded by Server.mu. Maps are made on first use.
type flowState struct {
	flows  map[string]*flow  // id -> flow
	fields map[string]*field // id -> field
	// values: flow slug -> object id -> field slug -> value (never nil: a
	// cleared value is deleted).
	values map[string]map[string]map[string]any
}

func (fs *flowState) init() {
	if fs.flows == nil {
		fs.flows, fs.fields, fs.values = map[string]*flow{}, map[string]*field{}, map[string]map[string]map[string]any{}
	}
}

func (fs *flowState) flowBySlugLocked(slug string) *flow {
	fs.init()
	for _, f := range fs.flows {
		if f.slug == slug {
			return f
		}
	}
	return nil
}

// fieldsOfLocked lists a flow's fields by order, then creation.
func (fs *flowState) fieldsOfLocked(flowID string) []*field {
	fs.init()
	var out []*field
	for _, f := range fs.fields {
		if f.flowID == flowID {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].order != out[j].order {
			return out[i].order < out[j].order
		}
		if !out[i].createdAt.Equal(out[j].createdAt) {
			return out[i].createdAt.Before(out[j].createdAt)
		}
		return out[i].id < out[j].id
	})
	return out
}

func flowJSON(f *flow) map[string]any {
	return map[string]any{
		"type": "flow", "id": f.id, "name": f.name, "slug": f.slug,
		"description": f.description, "enabled": f.enabled,
		"links":         map[string]any{"self": "/v2/flows/" + f.id},
		"relationships": map[string]any{},
		"meta": map[string]any{"owner": "store", "timestamps": map[string]any{
			"created_at": f.createdAt.UTC().Format(timestampLayout),
			"updated_at": f.updatedAt.UTC().Format(timestampLayout),
		}},
	}
}

func unprocessable(detail, pointer string) apiError {
	e := apiError{Status: http.StatusUnprocessableEntity, Title: "Unprocessable Entity", Detail: detail}
	if pointer != "" {
		e.Source = &errorSource{Pointer: pointer}
	}
	return e
}

func unprocessableResponse(errs ...apiError) *response {
	return errorsResponse(http.StatusUnprocessableEntity, errs)
}

// routeFlows serves /v2/flows… and /v2/fields…; a client_credentials token
// only, as for customers.
func (s *Server) routeFlows(c *call, grant string) *response {
	if grant != "client_credentials" {
		return forbidden("this token cannot manage flows or fields; use a client_credentials token")
	}
	path := strings.TrimSuffix(c.r.URL.Path, "/")
	method := c.r.Method
	if rest, ok := strings.CutPrefix(path, "/v2/fields"); ok {
		id := strings.TrimPrefix(rest, "/")
		if strings.Contains(id, "/") {
			return notFound("no route for " + c.r.URL.Path)
		}
		return crud{
			list:   func() *response { return s.handleFieldList("") },
			create: func() *response { return s.handleFieldCreate(c) },
			get:    func() *response { return s.handleFieldGet(id) },
			put:    func() *response { return s.handleFieldUpdate(c, id) },
			del:    func() *response { return s.handleFieldDelete(id) },
		}.serve(method, id == "")
	}
	rest := strings.TrimPrefix(strings.TrimPrefix(path, "/v2/flows"), "/")
	if slug, ok := strings.CutSuffix(rest, "/fields"); ok && slug != "" && !strings.Contains(slug, "/") {
		if method != http.MethodGet {
			return methodNotAllowed("GET")
		}
		return s.handleFieldList(slug)
	}
	if strings.Contains(rest, "/") {
		return notFound("no route for " + c.r.URL.Path)
	}
	return crud{
		list:   s.handleFlowList,
		create: func() *response { return s.handleFlowCreate(c) },
		get:    func() *response { return s.handleFlowGet(rest) },
		put:    func() *response { return s.handleFlowUpdate(c, rest) },
		del:    func() *response { return s.handleFlowDelete(rest) },
	}.serve(method, rest == "")
}

// Request kinds of flows and fields, so that a request count (the bench's)
// can tell the fields' setup and reads from the shoppers' requests.
// classifyFlows names them with crudKind, but for the list of one flow's
// fields.
const (
	KindFlowList    = "flow-list"
	KindFlowCreate  = "flow-create"
	KindFlowGet     = "flow-get"
	KindFlowUpdate  = "flow-update"
	KindFlowDelete  = "flow-delete"
	KindFieldList   = "field-list" // a flow's fields, or every field
	KindFieldCreate = "field-create"
	KindFieldGet    = "field-get"
	KindFieldUpdate = "field-update"
	KindFieldDelete = "field-delete"
)

// classifyFlows is the kind of a request to a flow path, as routeFlows
// routes it.
func classifyFlows(method, path string) string {
	path = strings.TrimSuffix(path, "/")
	if rest, ok := strings.CutPrefix(path, "/v2/fields"); ok {
		id := strings.TrimPrefix(rest, "/")
		if strings.Contains(id, "/") {
			return KindOther
		}
		return crudKind("field", method, id == "")
	}
	rest := strings.TrimPrefix(strings.TrimPrefix(path, "/v2/flows"), "/")
	if slug, ok := strings.CutSuffix(rest, "/fields"); ok && slug != "" && !strings.Contains(slug, "/") {
		if method == http.MethodGet {
			return KindFieldList
		}
		return KindOther
	}
	if strings.Contains(rest, "/") {
		return KindOther
	}
	return crudKind("flow", method, rest == "")
}

func isFlowPath(p string) bool {
	return p == "/v2/flows" || strings.HasPrefix(p, "/v2/flows/") || p == "/v2/fields" || strings.HasPrefix(p, "/v2/fields/")
}

// boolField reads data[key] as a boolean; absent or null gives def.
func boolField(data map[string]json.RawMessage, key string, def bool) (bool, *apiError) {
	raw, ok := data[key]
	if !ok || isNull(raw) {
		return def, nil
	}
	var v bool
	if err := json.Unmarshal(raw, &v); err != nil {
		e := unprocessable(key+" must be a boolean", "/data/"+key)
		return def, &e
	}
	return v, nil
}

// byCreation orders the objects of a list the API neither pages nor sorts:
// oldest first, ties by id.
func byCreation(aAt time.Time, aID string, bAt time.Time, bID string) bool {
	return aAt.Before(bAt) || aAt.Equal(bAt) && aID < bID
}

// allResponse answers with every object of a list the API does not page,
// and their count.
func allResponse[T any](list []T, render func(T) map[string]any) *response {
	out := make([]map[string]any, 0, len(list))
	for _, v := range list {
		out = append(out, render(v))
	}
	return jsonResponse(http.StatusOK, map[string]any{"data": out, "meta": map[string]any{"results": map[string]int{"total": len(out)}}})
}

func (s *Server) handleFlowList() *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flowState.init()
	list := make([]*flow, 0, len(s.flowState.flows))
	for _, f := range s.flowState.flows {
		list = append(list, f)
	}
	sort.Slice(list, func(i, j int) bool { return byCreation(list[i].createdAt, list[i].id, list[j].createdAt, list[j].id) })
	return allResponse(list, flowJSON)
}

// flowInput is a flow create or update body; *Set says a key was sent.
type flowInput struct {
	name, slug, description               string
	enabled                               bool // true when absent or null
	nameSet, slugSet, descSet, enabledSet bool
}

// parseFlowInput reads a POST (name and slug required) or a partial PUT.
func parseFlowInput(body []byte, create bool) (flowInput, *response) {
	var in flowInput
	data, errs, errResp := decodeTyped(body, "flow")
	if errResp != nil {
		return in, errResp
	}
	var e1, e2, e3, e4 *apiError
	in.name, in.nameSet, _, e1 = stringField(data, "name")
	in.slug, in.slugSet, _, e2 = stringField(data, "slug")
	in.description, in.descSet, _, e3 = stringField(data, "description")
	_, in.enabledSet = data["enabled"]
	in.enabled, e4 = boolField(data, "enabled", true)
	errs.add(e1, e2, e3, e4)
	nameErr, slugErr := "name must not be empty", "slug may hold only letters, digits, hyphens and underscores"
	if create {
		nameErr, slugErr = "name is required", "slug is required and may hold only letters, digits, hyphens and underscores"
	}
	if e1 == nil && (create || in.nameSet) && strings.TrimSpace(in.name) == "" {
		errs = append(errs, unprocessable(nameErr, "/data/name"))
	}
	if e2 == nil && (create || in.slugSet) && !validSlug(in.slug) {
		errs = append(errs, unprocessable(slugErr, "/data/slug"))
	}
	if len(errs) > 0 {
		return in, unprocessableResponse(errs...)
	}
	return in, nil
}

// flowSlugFreeLocked is the 422 to answer when a flow has the slug already.
func (s *Server) flowSlugFreeLocked(slug string) *response {
	if s.flowState.flowBySlugLocked(slug) != nil {
		return unprocessableResponse(unprocessable(fmt.Sprintf("a flow with the slug %s already exists", slug), "/data/slug"))
	}
	return nil
}

// flowLocked finds a flow, or the 404 to answer.
func (s *Server) flowLocked(id string) (*flow, *response) {
	s.flowState.init()
	f, ok := s.flowState.flows[id]
	if !ok {
		return nil, notFound(fmt.Sprintf("flow %s not found", id))
	}
	return f, nil
}

func (s *Server) handleFlowCreate(c *call) *response {
	in, errResp := parseFlowInput(c.body, true)
	if errResp != nil {
		return errResp
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if errResp := s.flowSlugFreeLocked(in.slug); errResp != nil {
		return errResp
	}
	now := nowMillis()
	f := &flow{id: newUUID(), slug: in.slug, name: in.name, description: in.description, enabled: in.enabled, createdAt: now, updatedAt: now}
	s.flowState.flows[f.id] = f
	return jsonResponse(http.StatusCreated, map[string]any{"data": flowJSON(f)})
}

func (s *Server) handleFlowGet(id string) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, errResp := s.flowLocked(id)
	if errResp != nil {
		return errResp
	}
	return jsonResponse(http.StatusOK, map[string]any{"data": flowJSON(f)})
}

func (s *Server) handleFlowUpdate(c *call, id string) *response {
	in, errResp := parseFlowInput(c.body, false)
	if errResp != nil {
		return errResp
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, errResp := s.flowLocked(id)
	if errResp != nil {
		return errResp
	}
	if in.slugSet && in.slug != f.slug {
		if errResp := s.flowSlugFreeLocked(in.slug); errResp != nil {
			return errResp
		}
		// The values follow the flow to its new slug.
		if v, ok := s.flowState.values[f.slug]; ok {
			delete(s.flowState.values, f.slug)
			s.flowState.values[in.slug] = v
		}
		f.slug = in.slug
	}
	if in.nameSet {
		f.name = in.name
	}
	if in.descSet {
		f.description = in.description
	}
	if in.enabledSet {
		f.enabled = in.enabled
	}
	f.updatedAt = nextUpdate(f.updatedAt)
	return jsonResponse(http.StatusOK, map[string]any{"data": flowJSON(f)})
}

func (s *Server) handleFlowDelete(id string) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, errResp := s.flowLocked(id)
	if errResp != nil {
		return errResp
	}
	if coreFlowSlugs[f.slug] {
		r := errorResponse(http.StatusMethodNotAllowed, "Method Not Allowed", fmt.Sprintf("the core flow %s cannot be deleted", f.slug))
		r.header.Set("Allow", "GET, PUT")
		return r
	}
	for fid, fd := range s.flowState.fields {
		if fd.flowID == id {
			delete(s.flowState.fields, fid)
		}
	}
	delete(s.flowState.values, f.slug)
	delete(s.flowState.flows, id)
	return noContent()
}

// applyFlowValuesLocked checks the keys of a POST or PUT body of an object
// of flow flowSlug (data, with the object's own attributes named in core)
// against the flow's fields and, only when all pass, stores them for
// objectID: every value of the body or none. On create, fields left out
// take their default, and a required one without a default is an error.
// Keys that are no field of the flow (or of a disabled one) are dropped, as
// the real API is believed to do, unless Config.RejectUnknownFlowKeys.
// An error is a 422 whose source.pointer is /data/<slug>. With objectID ""
// it only checks (for a create before the object exists): call it again
// with the id.
func (s *Server) applyFlowValuesLocked(flowSlug, objectID string, data map[string]json.RawMessage, core map[string]bool, create bool) []apiError {
	fs := &s.flowState
	fs.init()
	byslug := map[string]*field{}
	if f := fs.flowBySlugLocked(flowSlug); f != nil {
		for _, fd := range fs.fieldsOfLocked(f.id) {
			if fd.enabled {
				byslug[fd.slug] = fd
			}
		}
	}
	changes := map[string]any{}
	var errs []apiError
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if core[k] {
			continue
		}
		fd, ok := byslug[k]
		if !ok {
			if s.rejectUnknownFlowKeys {
				errs = append(errs, unprocessable(fmt.Sprintf("%s is not a field of the %s flow", k, flowSlug), "/data/"+k))
			}
			continue
		}
		if isNull(data[k]) {
			if fd.required {
				errs = append(errs, unprocessable(fmt.Sprintf("%s is required and cannot be null", k), "/data/"+k))
				continue
			}
			changes[k] = nil
			continue
		}
		v, err := fd.checkValue(data[k])
		if err != "" {
			errs = append(errs, unprocessable(fmt.Sprintf("Invalid Value: %s %s", k, err), "/data/"+k))
			continue
		}
		changes[k] = v
	}
	if create {
		for slug, fd := range byslug {
			if _, sent := changes[slug]; sent {
				continue
			}
			switch {
			case fd.def != nil:
				changes[slug] = fd.def
			case fd.required:
				errs = append(errs, unprocessable(fmt.Sprintf("%s is required", slug), "/data/"+slug))
			}
		}
	}
	if len(errs) > 0 || objectID == "" {
		return errs
	}
	objs := fs.values[flowSlug]
	if objs == nil {
		objs = map[string]map[string]any{}
		fs.values[flowSlug] = objs
	}
	vals := objs[objectID]
	if vals == nil {
		vals = map[string]any{}
		objs[objectID] = vals
	}
	for k, v := range changes {
		if v == nil {
			delete(vals, k)
		} else {
			vals[k] = v
		}
	}
	return nil
}

// flowValuesLocked is what a read of the object shows of its flow: every
// enabled field of the flow, null where unset, save those with omit_null.
func (s *Server) flowValuesLocked(flowSlug, objectID string) map[string]any {
	fs := &s.flowState
	fs.init()
	f := fs.flowBySlugLocked(flowSlug)
	if f == nil {
		return nil
	}
	vals := fs.values[flowSlug][objectID]
	out := map[string]any{}
	for _, fd := range fs.fieldsOfLocked(f.id) {
		if !fd.enabled {
			continue
		}
		v, ok := vals[fd.slug]
		if !ok && fd.omitNull {
			continue
		}
		out[fd.slug] = v
	}
	return out
}

func (s *Server) flowValues(flowSlug, objectID string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.flowValuesLocked(flowSlug, objectID)
}

// dropFlowValuesLocked forgets a deleted object's values.
func (s *Server) dropFlowValuesLocked(flowSlug, objectID string) {
	if s.flowState.values != nil {
		delete(s.flowState.values[flowSlug], objectID)
	}
}

// Flow is a snapshot of a stored flow.
type Flow struct {
	ID, Slug, Name, Description string
	Enabled                     bool
}

// FlowBySlug returns the flow with that slug.
func (s *Server) FlowBySlug(slug string) (Flow, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.flowState.flowBySlugLocked(slug)
	if f == nil {
		return Flow{}, false
	}
	return Flow{ID: f.id, Slug: f.slug, Name: f.name, Description: f.description, Enabled: f.enabled}, true
}

// Flows returns every flow.
func (s *Server) Flows() []Flow {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flowState.init()
	var out []Flow
	for _, f := range s.flowState.flows {
		out = append(out, Flow{ID: f.id, Slug: f.slug, Name: f.name, Description: f.description, Enabled: f.enabled})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Slug < out[j].Slug })
	return out
}

// FieldSlugs returns the slugs of the flow's fields, in the order a read
// lists them; none when there is no such flow.
func (s *Server) FieldSlugs(flowSlug string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.flowState.flowBySlugLocked(flowSlug)
	if f == nil {
		return nil
	}
	var out []string
	for _, fd := range s.flowState.fieldsOfLocked(f.id) {
		out = append(out, fd.slug)
	}
	return out
}

// FlowValues returns the values set on an object of the flow (no nulls),
// as a read would show them.
func (s *Server) FlowValues(flowSlug, objectID string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]any{}
	if s.flowState.values != nil {
		for k, v := range s.flowState.values[flowSlug][objectID] {
			out[k] = v
		}
	}
	return out
}

// SetFlowValue changes one value of an object behind the API's back (as a
// change in Commerce Manager would), without validation; nil clears it.
func (s *Server) SetFlowValue(flowSlug, objectID, fieldSlug string, v any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flowState.init()
	objs := s.flowState.values[flowSlug]
	if objs == nil {
		objs = map[string]map[string]any{}
		s.flowState.values[flowSlug] = objs
	}
	if objs[objectID] == nil {
		objs[objectID] = map[string]any{}
	}
	if v == nil {
		delete(objs[objectID], fieldSlug)
		return
	}
	objs[objectID][fieldSlug] = v
}
