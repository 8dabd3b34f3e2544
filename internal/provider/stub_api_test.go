package provider

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// stubAPI serves a stub of the API, for answers that no store (nor the
// emulator) gives: it grants any client an access token, answers the paths
// of routes with their handlers, and every other path 404. Every answer is
// JSON.
func stubAPI(t *testing.T, routes map[string]http.HandlerFunc) *httptest.Server {
	t.Helper()
	stub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/oauth/access_token" {
			_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "stub-access-token", "token_type": "Bearer", "expires_in": 3600,
				"expires": time.Now().Add(time.Hour).Unix(), "identifier": "client_credentials"})
			return
		}
		if route, ok := routes[r.URL.Path]; ok {
			route(w, r)
			return
		}
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"errors":[{"status":404,"title":"Not Found"}]}`))
	}))
	t.Cleanup(stub.Close)
	return stub
}
