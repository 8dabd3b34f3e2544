package emulator

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

const (
	defaultPageLimit = 25
	maxPageLimit     = 100
	maxPageOffset    = 10000
)

var sortFields = map[string]bool{"created_at": true, "email": true, "id": true, "name": true, "updated_at": true}

func (s *Server) handleList(c *call) *response {
	q := c.r.URL.Query()

	var conds []condition
	if f := q.Get("filter"); f != "" {
		var err error
		if conds, err = parseFilter(f); err != nil {
			return errorsResponse(http.StatusBadRequest, []apiError{badRequest("invalid filter: "+err.Error(), "")})
		}
	}

	// Without a sort the API lists newest first.
	sortField, desc := "created_at", true
	if v := q.Get("sort"); v != "" {
		sortField, desc = strings.TrimPrefix(v, "-"), strings.HasPrefix(v, "-")
		if !sortFields[sortField] {
			return errorsResponse(http.StatusBadRequest, []apiError{badRequest("invalid sort: "+v+"; use created_at, email, id, name or updated_at, optionally prefixed by '-'", "")})
		}
	}

	limit, offset := defaultPageLimit, 0
	if v := q.Get("page[limit]"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return errorsResponse(http.StatusBadRequest, []apiError{badRequest("page[limit] must be a positive integer", "")})
		}
		limit = min(n, maxPageLimit)
	}
	if v := q.Get("page[offset]"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxPageOffset {
			return errorsResponse(http.StatusBadRequest, []apiError{badRequest("page[offset] must be an integer between 0 and 10000", "")})
		}
		offset = n
	}

	s.mu.Lock()
	var matched []Customer
	for _, cust := range s.customers {
		if matchesAll(conds, cust) {
			matched = append(matched, cust.snapshot())
		}
	}
	s.mu.Unlock()

	sortCustomers(matched, sortField, desc)

	total := len(matched)
	page := []customerJSON{}
	for i := offset; i < total && i < offset+limit; i++ {
		j := toJSON(matched[i])
		j.flowValues = s.flowValues("customers", j.ID)
		page = append(page, j)
	}
	pages := (total + limit - 1) / limit

	return jsonResponse(http.StatusOK, map[string]any{
		"data":  page,
		"links": pageLinks(c.r, limit, offset, total),
		"meta": map[string]any{
			"page":    map[string]int{"limit": limit, "offset": offset, "current": offset/limit + 1, "total": pages},
			"results": map[string]int{"total": total},
		},
	})
}

func matchesAll(conds []condition, c *customer) bool {
	for _, cond := range conds {
		if !cond.matches(c) {
			return false
		}
	}
	return true
}

// sortCustomers orders by field with ties broken by id; desc reverses the
// whole order, so "-x" lists exactly the reverse of "x".
func sortCustomers(cs []Customer, field string, desc bool) {
	key := func(a, b Customer) int {
		switch field {
		case "created_at":
			return a.CreatedAt.Compare(b.CreatedAt)
		case "updated_at":
			return a.UpdatedAt.Compare(b.UpdatedAt)
		case "email":
			return strings.Compare(strings.ToLower(a.Email), strings.ToLower(b.Email))
		case "name":
			return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
		}
		return 0
	}
	sort.Slice(cs, func(i, j int) bool {
		cmp := key(cs[i], cs[j])
		if cmp == 0 {
			cmp = strings.Compare(cs[i].ID, cs[j].ID)
		}
		if desc {
			return cmp > 0
		}
		return cmp < 0
	})
}

// pageLinks builds absolute first/last/current/next/prev links that keep the
// request's filter and sort; next and prev are null at the ends.
func pageLinks(r *http.Request, limit, offset, total int) map[string]any {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	link := func(off int) string {
		q := url.Values{}
		for _, k := range []string{"filter", "sort"} {
			if v := r.URL.Query().Get(k); v != "" {
				q.Set(k, v)
			}
		}
		q.Set("page[limit]", strconv.Itoa(limit))
		q.Set("page[offset]", strconv.Itoa(off))
		return scheme + "://" + r.Host + r.URL.Path + "?" + q.Encode()
	}
	last := 0
	if total > 0 {
		last = (total - 1) / limit * limit
	}
	links := map[string]any{"current": link(offset), "first": link(0), "last": link(last), "next": nil, "prev": nil}
	if offset+limit < total {
		links["next"] = link(offset + limit)
	}
	if offset > 0 {
		links["prev"] = link(max(0, offset-limit))
	}
	return links
}
