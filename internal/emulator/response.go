package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
)

// response is built by the handlers and written (or dropped) by ServeHTTP;
// buffering it is what lets a fault commit the effect yet lose the answer.
type response struct {
	status int
	header http.Header
	body   []byte
	errs   []apiError // kept so a request_id can be added to 5xx bodies
}

type apiError struct {
	Status    int          `json:"status"`
	Title     string       `json:"title"`
	Detail    string       `json:"detail"`
	Source    *errorSource `json:"source,omitempty"`
	RequestID string       `json:"request_id,omitempty"`
}

type errorSource struct {
	Pointer string `json:"pointer"`
}

func jsonResponse(status int, v any) *response {
	return &response{status: status, header: http.Header{}, body: marshal(v)}
}

// noContent is the answer to a DELETE.
func noContent() *response {
	return &response{status: http.StatusNoContent, header: http.Header{}}
}

func errorResponse(status int, title, detail string) *response {
	return errorsResponse(status, []apiError{{Status: status, Title: title, Detail: detail}})
}

func errorsResponse(status int, errs []apiError) *response {
	return &response{status: status, header: http.Header{}, body: marshal(map[string]any{"errors": errs}), errs: errs}
}

func (r *response) setRequestID(id string) {
	if r.errs == nil {
		return
	}
	for i := range r.errs {
		r.errs[i].RequestID = id
	}
	r.body = marshal(map[string]any{"errors": r.errs})
}

func badRequest(detail, pointer string) apiError {
	e := apiError{Status: http.StatusBadRequest, Title: "Bad Request", Detail: detail}
	if pointer != "" {
		e.Source = &errorSource{Pointer: pointer}
	}
	return e
}

func notFound(detail string) *response {
	return errorResponse(http.StatusNotFound, "Not Found", detail)
}

func unauthorized(detail string) *response {
	return errorResponse(http.StatusUnauthorized, "Unauthorized", detail)
}

func forbidden(detail string) *response {
	return errorResponse(http.StatusForbidden, "Forbidden", detail)
}

func methodNotAllowed(allow string) *response {
	r := errorResponse(http.StatusMethodNotAllowed, "Method Not Allowed", "method not allowed; allowed: "+allow)
	r.header.Set("Allow", allow)
	return r
}

// marshal encodes without HTML escaping so names like "A & B" read as sent.
func marshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // only our own types are encoded here
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}
