package moltin

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
)

// The seed corpus (f.Add here and testdata/fuzz) runs in every go test; run
// `go test -fuzz=FuzzDecodeAPIError ./internal/moltin` to explore further.

// maxAPIErrorLen bounds APIError.Error(): the objects kept, each of up to five
// clipped fields with their separators, the request id and a fixed text.
const maxAPIErrorLen = maxErrorObjects*(5*(maxErrorText+len("…"))+32) + 2*(maxErrorText+len("…")) + 512

func fakeResponse(status int, contentType string, body []byte) *http.Response {
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(bytes.NewReader(body))}
}

func FuzzDecodeAPIError(f *testing.F) {
	f.Add(404, "application/json", []byte(`{"errors":[{"status":404,"title":"Not Found","detail":"customer x not found","request_id":"r-1"}]}`))
	f.Add(400, "application/json", []byte(`{"errors":[{"status":"400","title":"Bad Request","detail":"email must be valid","source":{"pointer":"/data/email"}},{"status":400,"detail":"name is required"}]}`))
	f.Add(422, "application/vnd.api+json", []byte(`{"errors":[{"status":"unprocessable","title":"Unprocessable Entity","detail":"The email has already been taken"}]}`))
	f.Add(502, "text/html", []byte(`<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>`))
	f.Add(503, "", []byte(``))
	f.Add(500, "application/json", []byte(`{"message":"internal"}`))
	f.Add(429, "application/json", []byte(`{"errors":[]}`))
	f.Add(401, "application/json", []byte(`{"errors":[{"status":null,"title":null,"detail":"\ud800 bad \u0000 escapes"}]}`))
	f.Add(409, "application/json", []byte(`{"errors":[{"status":409,"detail":"`+strings.Repeat("é", 5000)+`"}]}`))
	f.Add(418, "application/json", []byte(`{"errors":[`+strings.Repeat(`{"title":"t","detail":"d","source":{"pointer":"/p"}},`, 30)+`{}]}`))
	f.Add(400, "application/json", []byte(`{"errors":{"status":400}}`))
	f.Add(400, "application/json", []byte("{\"errors\":[{\"detail\":\"\xff\xfe invalid utf-8\"}]}"))

	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte) {
		if status < 100 || status > 999 {
			status = 400 + (status%200+200)%200
		}
		e := readAPIError(http.MethodPost, "/v2/customers", fakeResponse(status, contentType, body))
		msg := e.Error()
		if e.StatusCode != status || !strings.HasPrefix(msg, "POST /v2/customers: ") {
			t.Fatalf("status %d, message %q", e.StatusCode, msg)
		}
		if len(msg) > maxAPIErrorLen || len(e.Detail()) > maxAPIErrorLen {
			t.Fatalf("message of %d bytes, detail of %d, more than the bound of %d", len(msg), len(e.Detail()), maxAPIErrorLen)
		}
		if len(e.Errors) > maxErrorObjects {
			t.Fatalf("%d error objects kept", len(e.Errors))
		}
		// A body that is not JSON is summarised, never quoted.
		if e.NotJSON && len(body) > 8 && strings.Contains(msg, string(body)) {
			t.Fatalf("the non-JSON body appears in %q", msg)
		}
		_ = IsConflict(e)
		_ = IsNotFound(e)
	})
}

func FuzzDecodeCustomer(f *testing.F) {
	f.Add(200, []byte(`{"data":{"type":"customer","id":"b57022cf-c80e-4b85-9fd1-5af3156d8adf","name":"George","email":"george@example.com","password":true,"external_ref":null,"meta":{"timestamps":{"created_at":"2017-06-19T12:00:00.000Z","updated_at":"2017-06-19T12:00:00.000Z"}}}}`))
	f.Add(201, []byte(`{"data":{"id":"1","name":"A","email":"a@b.c","password":"true","external_ref":"x","meta":{"created_at":"2017-06-19T12:00:00Z"}}}`))
	f.Add(200, []byte(`{"data":{"id":"","name":"no id"}}`))
	f.Add(200, []byte(`{"data":{"id":"x","meta":{"timestamps":{"created_at":"yesterday"}}}}`))
	f.Add(200, []byte(`{"data":{"id":"x","password":{"nested":[1,2]},"meta":{"timestamps":{"updated_at":"`+strings.Repeat("9", 3000)+`"}}}}`))
	f.Add(200, []byte(`{"data":[]}`))
	f.Add(200, []byte(`{"data":{"id":1e999999}}`))
	f.Add(200, []byte(`<html>maintenance</html>`))
	f.Add(204, []byte(``))
	f.Add(200, []byte(`null`))

	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 200 || status > 299 {
			status = 200 + (status%100+100)%100
		}
		var doc dataDoc[wireCustomer]
		err := decodeResponse(http.MethodGet, "/v2/customers/x", fakeResponse(status, "application/json", body), &doc)
		if err != nil {
			checkBoundedError(t, err)
			return
		}
		c, err := doc.Data.customer()
		if err != nil {
			checkBoundedError(t, err)
			return
		}
		if c.ID == "" {
			t.Fatal("a customer without an id was accepted")
		}
	})
}

func FuzzDecodeList(f *testing.F) {
	f.Add([]byte(`{"data":[{"type":"customer","id":"1","name":"A","email":"a@example.com","password":false,"meta":{"timestamps":{"created_at":"2024-01-01T00:00:00.000Z","updated_at":"2024-01-01T00:00:00.000Z"}}}],"meta":{"page":{"limit":25,"offset":0,"current":1,"total":1},"results":{"total":1}}}`))
	f.Add([]byte(`{"data":[],"meta":{"page":{"limit":"25"},"results":{"total":-1}}}`))
	f.Add([]byte(`{"data":[{"id":"1"},{"id":""}]}`))
	f.Add([]byte(`{"data":null,"links":{"next":null}}`))
	f.Add([]byte(`{"data":[{"id":"1","meta":{"timestamps":{"created_at":"2024-13-45T99:99:99Z"}}}]}`))
	f.Add([]byte(`{"data":{"id":"1"}}`))
	f.Add([]byte(`[]`))

	f.Fuzz(func(t *testing.T, body []byte) {
		var doc listDoc[wireCustomer]
		err := decodeResponse(http.MethodGet, "/v2/customers", fakeResponse(http.StatusOK, "application/json", body), &doc)
		if err != nil {
			checkBoundedError(t, err)
			return
		}
		for i := range doc.Data {
			c, err := doc.Data[i].customer()
			if err != nil {
				checkBoundedError(t, err)
				continue
			}
			if c.ID == "" {
				t.Fatal("a listed customer without an id was accepted")
			}
		}
	})
}

// checkBoundedError fails when a decoding error is longer than a few clipped
// values: a server's answer must not be able to flood a diagnostic.
func checkBoundedError(t *testing.T, err error) {
	t.Helper()
	if msg := err.Error(); len(msg) > 4*maxErrorText {
		t.Fatalf("error of %d bytes: %.200q…", len(msg), msg)
	}
}
