package moltin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

// The benchmarks of the client's hot path: what one API call costs the
// provider's process on top of the network. Run with
//
//	go test -run '^$' -bench . -benchmem ./internal/moltin
//
// The stub-transport cases answer in-process, so they measure the client
// alone (request build, auth header, limiter, logging and retry bookkeeping,
// JSON encode and decode); the emulator cases add a real loopback HTTP round
// trip to the in-memory emulator, server included.

const benchCustomerJSON = `{"data":{"type":"customer","id":"b57022cf-c80e-4b85-9fd1-5af3156d8adf","name":"George example","email":"george@example.com","password":true,"external_ref":"crm-1234","meta":{"timestamps":{"created_at":"2017-06-19T12:00:00.000Z","updated_at":"2017-06-19T12:00:00.000Z"}}}}`

// benchStubTransport answers the token request and every customer call
// without a network, as a 200 with a canned body.
type benchStubTransport struct {
	calls atomic.Int64
}

func (t *benchStubTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.calls.Add(1)
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	body := benchCustomerJSON
	status := http.StatusOK
	switch {
	case strings.HasSuffix(req.URL.Path, "/oauth/access_token"):
		body = fmt.Sprintf(`{"access_token":"bench-access-token","token_type":"Bearer","expires_in":3600,"expires":%d,"identifier":"client_credentials"}`, time.Now().Add(time.Hour).Unix())
	case req.Method == http.MethodDelete:
		status, body = http.StatusNoContent, ""
	case req.Method == http.MethodPost:
		status = http.StatusCreated
	}
	return &http.Response{
		StatusCode:    status,
		Header:        http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"bench-request"}},
		Body:          io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}, nil
}

func benchNewClient(b *testing.B, baseURL string, transport http.RoundTripper) *Client {
	b.Helper()
	c, err := New(Config{
		BaseURL:      baseURL,
		ClientID:     emulator.DefaultClientID,
		ClientSecret: emulator.DefaultClientSecret,
		// Far above what a benchmark loop reaches: the limiter's bookkeeping
		// is measured, not its waiting.
		MaxRequestsPerSecond: 1e9,
		Transport:            transport,
	})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

func benchStubClient(b *testing.B) (*Client, *benchStubTransport) {
	b.Helper()
	stub := &benchStubTransport{}
	return benchNewClient(b, "https://api.moltin.test", stub), stub
}

func BenchmarkClientGetCustomer(b *testing.B) {
	b.Run("stub-transport", func(b *testing.B) {
		c, stub := benchStubClient(b)
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			cu, err := c.GetCustomer(ctx, "b57022cf-c80e-4b85-9fd1-5af3156d8adf")
			if err != nil || cu.Email != "george@example.com" {
				b.Fatalf("GetCustomer = %+v, %v", cu, err)
			}
		}
		// One token for the whole loop, one request per call.
		if got, want := stub.calls.Load(), int64(b.N)+1; got != want {
			b.Errorf("%d requests for %d calls, want %d", got, b.N, want)
		}
	})
	b.Run("emulator", func(b *testing.B) {
		emu, created, c := benchEmulator(b)
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			cu, err := c.GetCustomer(ctx, created.ID)
			if err != nil || cu.ID != created.ID {
				b.Fatalf("GetCustomer = %+v, %v", cu, err)
			}
		}
		if st := emu.Stats(); st.ByKind[emulator.KindToken] != 1 {
			b.Errorf("%d token requests, want 1", st.ByKind[emulator.KindToken])
		}
	})
}

func BenchmarkClientUpdateCustomer(b *testing.B) {
	name, pw := "George renamed", "a new password"
	in := CustomerUpdate{Name: &name, Password: &pw}
	b.Run("stub-transport", func(b *testing.B) {
		c, _ := benchStubClient(b)
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.UpdateCustomer(ctx, "b57022cf-c80e-4b85-9fd1-5af3156d8adf", in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("emulator", func(b *testing.B) {
		_, created, c := benchEmulator(b)
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			cu, err := c.UpdateCustomer(ctx, created.ID, in)
			if err != nil || cu.Name != name || !cu.HasPassword {
				b.Fatalf("UpdateCustomer = %+v, %v", cu, err)
			}
		}
	})
}

// BenchmarkClientCreateDeleteCustomer creates and deletes one customer per
// iteration, so the emulator's store stays the same size.
func BenchmarkClientCreateDeleteCustomer(b *testing.B) {
	emu := emulator.New(emulator.Config{})
	srv := httptest.NewServer(emu)
	b.Cleanup(srv.Close)
	c := benchNewClient(b, srv.URL, nil)
	ctx := context.Background()
	pw := "bench password"
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		cu, err := c.CreateCustomer(ctx, CustomerCreate{Name: "Bench", Email: fmt.Sprintf("bench-%d@example.com", i), Password: &pw})
		if err != nil {
			b.Fatal(err)
		}
		if err := c.DeleteCustomer(ctx, cu.ID); err != nil {
			b.Fatal(err)
		}
	}
	if n := len(emu.Customers()); n != 0 {
		b.Errorf("%d customers left, want 0", n)
	}
}

func BenchmarkEncodeCustomerUpdate(b *testing.B) {
	name, email, ref := "George renamed", "george@example.com", "crm-1234"
	in := CustomerUpdate{Name: &name, Email: &email, ExternalRef: &ref}
	b.ReportAllocs()
	for b.Loop() {
		body, err := json.Marshal(in)
		if err != nil || !bytes.Contains(body, []byte(`"type":"customer"`)) {
			b.Fatalf("Marshal = %s, %v", body, err)
		}
	}
}

func BenchmarkDecodeCustomer(b *testing.B) {
	body := []byte(benchCustomerJSON)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		resp := &http.Response{
			StatusCode: http.StatusOK,
			Header:     http.Header{"Content-Type": {"application/json"}},
			Body:       io.NopCloser(bytes.NewReader(body)),
		}
		var doc dataDoc[wireCustomer]
		if err := decodeResponse(http.MethodGet, "/v2/customers/x", resp, &doc); err != nil {
			b.Fatal(err)
		}
		cu, err := doc.Data.customer()
		if err != nil || cu.ExternalRef == nil || cu.CreatedAt.IsZero() {
			b.Fatalf("customer() = %+v, %v", cu, err)
		}
	}
}

// BenchmarkRetryBookkeeping is what the client does per attempt besides the
// round trip: the policy in the context, the retry decision on a 429 and the
// backoff computed for it.
func BenchmarkRetryBookkeeping(b *testing.B) {
	resp := &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		ctx := withPolicy(context.Background(), true, false)
		policyOf(ctx).attempt.Store(2)
		retry, err := checkRetry(ctx, resp, nil)
		if !retry || err != nil {
			b.Fatalf("checkRetry = %v, %v", retry, err)
		}
		if d := backoff(250*time.Millisecond, 8*time.Second, 2, resp); d <= 0 || d > 8*time.Second {
			b.Fatalf("backoff = %s", d)
		}
	}
}

// benchEmulator serves an emulator holding one customer, with a client for it.
func benchEmulator(b *testing.B) (*emulator.Server, emulator.Customer, *Client) {
	b.Helper()
	emu := emulator.New(emulator.Config{})
	srv := httptest.NewServer(emu)
	b.Cleanup(srv.Close)
	created, err := emu.CreateCustomer("George example", "george@example.com", "", nil)
	if err != nil {
		b.Fatal(err)
	}
	return emu, created, benchNewClient(b, srv.URL, nil)
}
