package moltin

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// amFake is a scripted Account Management API for the client's unit tests:
// handle answers each request but the settings' (realm-1), and every request
// (method, path, body) is recorded.
type amFake struct {
	mu     sync.Mutex
	seen   []string
	bodies []map[string]any
	handle func(w http.ResponseWriter, r *http.Request, body map[string]any)
}

func newAMFake(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, body map[string]any)) (*amFake, *Client) {
	t.Helper()
	f := &amFake{handle: handle}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/access_token" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"access_token":"tok-am-fake-123","token_type":"Bearer","expires_in":3600}`)
			return
		}
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		_ = json.Unmarshal(raw, &body)
		f.mu.Lock()
		f.seen = append(f.seen, r.Method+" "+r.URL.Path)
		f.bodies = append(f.bodies, body)
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/v2/settings/account-authentication" {
			_, _ = io.WriteString(w, settingsJSON)
			return
		}
		f.handle(w, r, body)
	}))
	t.Cleanup(srv.Close)
	c, err := New(Config{BaseURL: srv.URL, ClientID: "id", ClientSecret: "secret-am-fake", RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return f, c
}

func (f *amFake) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.seen...)
}

// wantRequests checks every request that reached the fake, in order.
func (f *amFake) wantRequests(t *testing.T, want ...string) {
	t.Helper()
	if got := f.requests(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

const settingsJSON = `{"data":{"id":"set-1","type":"account_authentication_settings","enable_self_signup":false,
"relationships":{"authentication_realm":{"data":{"id":"realm-1","type":"authentication_realm"}}},"meta":{"client_id":"account-management"}}}`

func TestAccountRealmID_cachedPerProcess(t *testing.T) {
	f, c := newAMFake(t, func(w http.ResponseWriter, _ *http.Request, _ map[string]any) {
		_, _ = io.WriteString(w, `{"data":{"id":"pp-1","type":"password_profile","name":"p","username_format":"email","meta":{"created_at":"2024-01-02T03:04:05Z"}}}`)
	})
	for range 3 {
		p, err := c.GetPasswordProfile(t.Context(), "pp-1")
		if err != nil {
			t.Fatal(err)
		}
		if p.RealmID != "realm-1" || p.UsernameFormat != "email" || p.CreatedAt.IsZero() {
			t.Fatalf("profile %+v", p)
		}
	}
	f.wantRequests(t, "GET /v2/settings/account-authentication",
		"GET /v2/authentication-realms/realm-1/password-profiles/pp-1",
		"GET /v2/authentication-realms/realm-1/password-profiles/pp-1",
		"GET /v2/authentication-realms/realm-1/password-profiles/pp-1")
}

// A refused password info undoes the member: the UAI is deleted, and the
// error says both.
func TestCreateAccountMember_refusedPasswordInfoDeletesUAI(t *testing.T) {
	const password = "refused-secret-pw"
	f, c := newAMFake(t, func(w http.ResponseWriter, r *http.Request, _ map[string]any) {
		switch {
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/user-authentication-info"):
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{"data":{"id":"uai-1","type":"user_authentication_info","name":"N","email":"n@example.com","meta":{"created_at":"2024-01-02T03:04:05Z","updated_at":"2024-01-02T03:04:05Z"}}}`)
		case r.Method == http.MethodPost:
			// Status as an integer, as some services send it.
			w.WriteHeader(http.StatusUnprocessableEntity)
			_, _ = io.WriteString(w, `{"errors":[{"status":422,"title":"Unprocessable","detail":"username must be an email","source":{"pointer":"/data/username"}}]}`)
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		}
	})
	_, err := c.CreateAccountMember(t.Context(), AccountMemberCreate{Name: "N", Email: "n@example.com",
		PasswordInfoInput: PasswordInfoInput{PasswordProfileID: "pp-1", Username: "nobody", Password: password}})
	if err == nil || StatusOf(err) != http.StatusUnprocessableEntity || !strings.Contains(err.Error(), "deleted again") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), password) {
		t.Fatal("the error holds the password")
	}
	f.wantRequests(t, "GET /v2/settings/account-authentication",
		"POST /v2/authentication-realms/realm-1/user-authentication-info",
		"POST /v2/authentication-realms/realm-1/user-authentication-info/uai-1/user-authentication-password-profile-info",
		"DELETE /v2/authentication-realms/realm-1/user-authentication-info/uai-1")
}

// A stop between the two POSTs: the password info is not sent, and the UAI
// is deleted on a context the stop does not cancel.
func TestCreateAccountMember_interruptBetweenPostsDeletesUAI(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	f, c := newAMFake(t, func(w http.ResponseWriter, r *http.Request, _ map[string]any) {
		switch {
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/user-authentication-info"):
			cancel() // the stop arrives while the UAI is being made
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{"data":{"id":"uai-2","type":"user_authentication_info","name":"N","email":"i@example.com","meta":{}}}`)
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		}
	})
	_, err := c.CreateAccountMember(ctx, AccountMemberCreate{Name: "N", Email: "i@example.com",
		PasswordInfoInput: PasswordInfoInput{PasswordProfileID: "pp-1", Username: "i@example.com", Password: "long-enough"}})
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("err = %v, want an interruption", err)
	}
	got := f.requests()
	if len(got) != 3 || got[2] != "DELETE /v2/authentication-realms/realm-1/user-authentication-info/uai-2" {
		t.Fatalf("requests: %q", got)
	}
}

// The delete failing too leaves an *IncompleteMemberError naming the member.
func TestCreateAccountMember_deleteFailsTooIsIncomplete(t *testing.T) {
	_, c := newAMFake(t, func(w http.ResponseWriter, r *http.Request, _ map[string]any) {
		switch {
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/user-authentication-info"):
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{"data":{"id":"uai-3","name":"N","email":"d@example.com","meta":{}}}`)
		case r.Method == http.MethodPost:
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"errors":[{"status":"400","title":"Bad Request"}]}`)
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, `{"errors":[{"status":"403","title":"Forbidden"}]}`)
		}
	})
	m, err := c.CreateAccountMember(t.Context(), AccountMemberCreate{Name: "N", Email: "d@example.com",
		PasswordInfoInput: PasswordInfoInput{PasswordProfileID: "pp-1", Username: "d@example.com", Password: "long-enough"}})
	var inc *IncompleteMemberError
	if !errors.As(err, &inc) || inc.Member.ID != "uai-3" || m.ID != "uai-3" {
		t.Fatalf("member %+v, err = %v", m, err)
	}
}

// A membership made right after its member waits for the member, bounded.
func TestCreateAccountMembership_waitsForMember(t *testing.T) {
	var posts atomic.Int32
	appearAt := time.Now().Add(300 * time.Millisecond)
	f, c := newAMFake(t, func(w http.ResponseWriter, r *http.Request, body map[string]any) {
		ready := time.Now().After(appearAt)
		switch {
		case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v2/account-members/"):
			if !ready {
				w.WriteHeader(http.StatusNotFound)
				_, _ = io.WriteString(w, `{"errors":[{"status":"404","title":"Not Found","detail":"account member not found"}]}`)
				return
			}
			_, _ = io.WriteString(w, `{"data":{"id":"m-1","name":"N","email":"e","meta":{"timestamps":{}}}}`)
		case r.Method == http.MethodPost:
			posts.Add(1)
			if !ready {
				w.WriteHeader(http.StatusNotFound)
				_, _ = io.WriteString(w, `{"errors":[{"status":"404","title":"Not Found","detail":"account member not found"}]}`)
				return
			}
			if got := body["data"].(map[string]any)["account_member_id"]; got != "m-1" {
				t.Errorf("account_member_id %v", got)
			}
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{"data":{"id":"ms-1","type":"account_membership","relationships":{"account_member":{"data":{"id":"m-1","type":"account_member"}}},
"meta":{"timestamps":{"created_at":"2024-01-02T03:04:05.123Z","updated_at":"2024-01-02T03:04:05.123Z"}}}}`)
		}
	})
	m, err := c.CreateAccountMembership(t.Context(), "acc-1", "m-1", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != "ms-1" || m.AccountMemberID != "m-1" || m.AccountID != "acc-1" || m.CreatedAt.Nanosecond() != 123e6 {
		t.Fatalf("membership %+v", m)
	}
	if posts.Load() < 2 {
		t.Fatalf("%d POSTs: the test should have made the create wait (%q)", posts.Load(), f.requests())
	}

	// A member that never appears: a clear error after the wait.
	_, c2 := newAMFake(t, func(w http.ResponseWriter, _ *http.Request, _ map[string]any) {
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"errors":[{"status":"404","title":"Not Found"}]}`)
	})
	start := time.Now()
	_, err = c2.CreateAccountMembership(t.Context(), "acc-1", "ghost", 400*time.Millisecond)
	var nr *MemberNotReadyError
	if !errors.As(err, &nr) || !strings.Contains(err.Error(), "ghost did not appear") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("waited %s for a 400ms bound", d)
	}
}

func TestCreateAccountMemberTokens_parsesEveryAccount(t *testing.T) {
	const password = "token-secret-pw"
	f, c := newAMFake(t, func(w http.ResponseWriter, _ *http.Request, body map[string]any) {
		d := body["data"].(map[string]any)
		if d["password"] != password || d["authentication_mechanism"] != "password" || d["type"] != "account_management_authentication_token" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"data":[{"type":"account_management_authentication_token","account_id":"a1","account_name":"A","token":"jwt1","expires":"2030-01-02T03:04:05Z"},
{"account_id":"a2","account_name":"B","token":"jwt2","expires":1893553445}],"meta":{"page":{}}}`)
	})
	toks, err := c.CreateAccountMemberTokens(t.Context(), "pp-1", "u@example.com", password)
	if err != nil {
		t.Fatal(err)
	}
	if len(toks) != 2 || toks[0].AccountName != "A" || toks[0].Expires.Year() != 2030 || toks[1].Token != "jwt2" || toks[1].Expires.Unix() != 1893553445 {
		t.Fatalf("tokens %+v", toks)
	}
	if got := f.requests(); len(got) != 1 || got[0] != "POST /v2/account-members/tokens" {
		t.Fatalf("requests %q", got)
	}
}

func TestAccountUpdate_sendsOnlyWhatIsSet(t *testing.T) {
	var got map[string]any
	_, c := newAMFake(t, func(w http.ResponseWriter, _ *http.Request, body map[string]any) {
		got = body
		_, _ = io.WriteString(w, `{"data":{"id":"a1","name":"New","legal_name":"","meta":{"timestamps":{"created_at":"2024-01-02T03:04:05Z"}}}}`)
	})
	name := "New"
	a, err := c.UpdateAccount(t.Context(), "a1", AccountUpdate{Name: &name, ExternalRef: Clear()})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(got)
	if string(b) != `{"data":{"external_ref":null,"name":"New","type":"account"}}` {
		t.Fatalf("body %s", b)
	}
	if a.LegalName != nil || a.CreatedAt.IsZero() {
		t.Fatalf("account %+v", a)
	}
}
