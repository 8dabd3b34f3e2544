package moltin

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/moltin-community/terraform-provider-moltin/internal/acctest"
	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

// TestNoSecretInLogsOrErrors drives the client through successes and every
// kind of failure and checks that no log line and no error holds the client
// secret, an access token or a customer password.
func TestNoSecretInLogsOrErrors(t *testing.T) {
	t.Parallel()
	api := newTestAPI(t, emulator.Config{TokenLifetime: 2 * time.Minute})
	log := &recordingLogger{}
	c := newTestClient(t, api, func(cfg *Config) { cfg.Logger = log; cfg.MaxRetries = 2 })
	ctx := t.Context()
	const (
		password    = "customer-pw-5e1d0a"
		newPassword = "customer-pw-rotated-77b2"
		wrongSecret = "wrong-secret-0c9e4f"
	)
	var errs []error
	keep := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}

	cu, err := c.CreateCustomer(ctx, CustomerCreate{Name: "Sec", Email: "sec@example.com", Password: strp(password)})
	if err != nil {
		t.Fatal(err)
	}
	api.script(http.MethodPut, "/v2/customers/"+cu.ID, 1, http.StatusTooManyRequests, map[string]string{"Retry-After": "0"}, body429)
	_, err = c.UpdateCustomer(ctx, cu.ID, CustomerUpdate{Password: strp(newPassword)})
	keep(err)
	api.ExpireTokens()
	_, err = c.GetCustomer(ctx, cu.ID)
	keep(err)
	api.scriptRule(rule{method: http.MethodPost, path: "/v2/customers", times: 1, dropAfter: true})
	_, err = c.CreateCustomer(ctx, CustomerCreate{Name: "Sec2", Email: "sec2@example.com", Password: strp(password)})
	keep(err)
	api.script(http.MethodPost, "/v2/customers", 5, http.StatusBadGateway, map[string]string{"Content-Type": "text/html"}, "<html>"+password+"</html>")
	_, err = c.CreateCustomer(ctx, CustomerCreate{Name: "Sec3", Email: "sec3@example.com", Password: strp(password)})
	keep(err)
	// The API rejects these; the errors say why without the values sent.
	_, err = c.CreateCustomer(ctx, CustomerCreate{Name: "Sec4", Email: "not-an-email", Password: strp(password)})
	keep(err)
	_, err = c.CreateCustomer(ctx, CustomerCreate{Name: "Sec5", Email: "sec@example.com", Password: strp(password)})
	keep(err)
	_, err = c.CreateCustomerToken(ctx, "sec@example.com", password)
	keep(err)
	tok, err := c.CreateCustomerToken(ctx, "sec@example.com", newPassword)
	keep(err)
	_, err = c.GetCustomer(ctx, "missing")
	keep(err)
	wrong := newTestClient(t, api, func(cfg *Config) { cfg.Logger = log; cfg.ClientSecret = wrongSecret })
	_, err = wrong.GetCustomer(ctx, cu.ID)
	keep(err)
	closed := newTestClient(t, api, func(cfg *Config) {
		cfg.Logger = log
		cfg.BaseURL = acctest.ClosedURL(t)
		cfg.MaxRetries = 1
	})
	_, err = closed.GetCustomer(ctx, cu.ID)
	keep(err)

	for _, e := range errs {
		t.Log(e)
	}
	if len(errs) < 6 {
		t.Fatalf("only %d of the failures happened: %v", len(errs), errs)
	}
	tokens := api.accessTokens()
	if len(tokens) < 2 || tok.Token == "" {
		t.Fatalf("%d access tokens seen, customer token %q: the scenario did not run", len(tokens), tok.Token)
	}
	secrets := append([]string{testClientSecret, wrongSecret, password, newPassword, tok.Token}, tokens...)
	lines := log.all()
	if len(lines) < 20 {
		t.Fatalf("only %d log lines", len(lines))
	}
	for _, s := range secrets {
		for _, l := range lines {
			if strings.Contains(l, s) {
				t.Errorf("a log line holds a secret (%d chars): %s", len(s), strings.ReplaceAll(l, s, "<SECRET>"))
			}
		}
		for _, e := range errs {
			if strings.Contains(e.Error(), s) {
				t.Errorf("an error holds a secret (%d chars): %s", len(s), strings.ReplaceAll(e.Error(), s, "<SECRET>"))
			}
		}
	}

	// Redact is the last line of defence for text from elsewhere.
	cur := c.tokens.current()
	if got := c.Redact("a "+testClientSecret+" b "+cur+" c "+password, password); strings.Contains(got, testClientSecret) ||
		strings.Contains(got, password) || (cur != "" && strings.Contains(got, cur)) || !strings.Contains(got, "(redacted)") {
		t.Errorf("Redact left a secret: %q", got)
	}
}
