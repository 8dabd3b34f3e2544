package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// noSecretInPlan fails if any of the secrets (read when the check runs)
// appears anywhere in the plan's JSON.
type noSecretInPlan func() []string

func (f noSecretInPlan) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	raw, err := json.Marshal(req.Plan)
	if err != nil {
		resp.Error = err
		return
	}
	for _, s := range f() {
		if strings.Contains(string(raw), s) {
			resp.Error = fmt.Errorf("a secret appears in the plan")
			return
		}
	}
}

// getAsCustomer reads a customer with a storefront (implicit) access token
// and the customer token, as a storefront would, and returns the status.
func getAsCustomer(env *testEnv, customerID, customerToken string) (int, error) {
	resp, err := http.PostForm(env.URL+"/oauth/access_token", url.Values{"grant_type": {"implicit"}, "client_id": {env.ClientID}})
	if err != nil {
		return 0, err
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if err != nil || tok.AccessToken == "" {
		return 0, fmt.Errorf("implicit access token: %v (status %d)", err, resp.StatusCode)
	}
	req, err := http.NewRequest(http.MethodGet, env.URL+"/v2/customers/"+customerID, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	if customerToken != "" {
		req.Header.Set("X-Moltin-Customer-Token", customerToken)
	}
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// TestAccCustomerTokenEphemeral logs a customer in through the ephemeral
// resource and hands what it yields to the echo provider. The token itself
// is echoed only as its SHA-256, so that the state can be searched for the
// token: the test finds the issued token with that hash and checks that the
// emulator accepts it for this customer (and only this one), and that
// neither the token nor the password is in the plan or the state.
func TestAccCustomerTokenEphemeral(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	const password = "tina-Secret-pw-5c2e"
	tinaEmail := env.email("tina")
	tina := mustCreate(t, env, "Tina Token", tinaEmail, password, nil)
	other := mustCreate(t, env, "Other", env.email("other"), "other-Secret-pw-0d9a", nil)
	// The client secret is left out of the plan check: the test's provider
	// block sets it as a literal, which the plan's copy of the configuration
	// keeps (real configurations take it from the environment).
	// A live store's tokens are not known to the test: the plan and state
	// are then searched for the password and the client secret only.
	issued := func() []string {
		if env.live() {
			return nil
		}
		return env.IssuedTokens()
	}
	planSecrets := func() []string { return append(issued(), password) }
	stateSecrets := func() []string { return append(planSecrets(), env.ClientSecret) }
	// The password comes in through an ephemeral variable, as it should in
	// real use: a literal would be kept in the plan's copy of the
	// configuration, whatever the provider does.
	hcl := func(email string) string {
		return env.providerBlock() + fmt.Sprintf(`
variable "password" {
  type      = string
  sensitive = true
  ephemeral = true
}

ephemeral "moltin_customer_token" "test" {
  email    = %q
  password = var.password
}

provider "echo" {
  data = {
    customer_id  = ephemeral.moltin_customer_token.test.customer_id
    expires_at   = ephemeral.moltin_customer_token.test.expires_at
    token_sha256 = sha256(ephemeral.moltin_customer_token.test.token)
  }
}

resource "echo" "test" {}
`, email)
	}

	resource.Test(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"moltin": testAccProtoV6ProviderFactories["moltin"],
			"echo":   echoprovider.NewProviderServer(),
		},
		Steps: []resource.TestStep{
			// The wrong password comes first: the destroy after the last step
			// opens the ephemeral resource again with that step's configuration.
			{
				Config:          hcl(tinaEmail),
				ConfigVariables: config.Variables{"password": config.StringVariable("wrong-Password-9f1b")},
				ExpectError:     looseRegexp(`Customer login failed`, `The API refused the email `+tinaEmail+` with the password given`),
			},
			{
				Config:          hcl(upperLocal(tinaEmail)),
				ConfigVariables: config.Variables{"password": config.StringVariable(password)},
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					noSecretInPlan(planSecrets),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("customer_id"), knownvalue.StringExact(tina.ID)),
				},
				Check: func(s *terraform.State) error {
					if err := noSecretIn(s, stateSecrets()...); err != nil {
						return err
					}
					attrs := s.RootModule().Resources["echo.test"].Primary.Attributes
					exp, err := time.Parse(time.RFC3339, attrs["data.expires_at"])
					if err != nil {
						return fmt.Errorf("expires_at %q: %v", attrs["data.expires_at"], err)
					}
					if d := time.Until(exp); d < 23*time.Hour || d > 25*time.Hour {
						return fmt.Errorf("expires_at %s is %s away, want about 24h", exp, d)
					}
					return env.wire("the token yielded is one the emulator issued, and opens this customer and no other", func() error { return tokenOpensOnly(env, attrs["data.token_sha256"], tina.ID, other.ID) })
				},
			},
		},
	})
}

// tokenOpensOnly checks that the customer token the emulator issued with
// the SHA-256 given reads the customer it was issued for, and that no
// token, or this token for another customer, is refused.
func tokenOpensOnly(env *testEnv, sha, ownID, otherID string) error {
	var token string
	for _, tok := range env.IssuedTokens() {
		sum := sha256.Sum256([]byte(tok))
		if hex.EncodeToString(sum[:]) == sha {
			token = tok
		}
	}
	if token == "" {
		return fmt.Errorf("the token yielded is none that the emulator issued")
	}
	if st, err := getAsCustomer(env, ownID, token); err != nil || st != http.StatusOK {
		return fmt.Errorf("reading the customer with the token: status %d, %v", st, err)
	}
	// The emulator's check is real: no token, or the token of
	// another customer, is refused.
	if st, err := getAsCustomer(env, ownID, ""); err != nil || st != http.StatusForbidden {
		return fmt.Errorf("reading the customer without a token: status %d (want 403), %v", st, err)
	}
	if st, err := getAsCustomer(env, otherID, token); err != nil || st != http.StatusForbidden {
		return fmt.Errorf("reading another customer with the token: status %d (want 403), %v", st, err)
	}
	return nil
}

// TestCustomerTokenOpen_redactsPassword runs Open against a stub API whose
// error echoes the password back: the diagnostic must not repeat it.
func TestCustomerTokenOpen_redactsPassword(t *testing.T) {
	t.Parallel()
	const password = "echoed-Secret-pw-3e7d"
	var tokenPosts int
	stub := stubAPI(t, map[string]http.HandlerFunc{
		"/v2/customers/tokens": func(w http.ResponseWriter, r *http.Request) {
			tokenPosts++
			var body struct {
				Data struct{ Email, Password string } `json:"data"`
			}
			_ = json.NewDecoder(r.Body).Decode(&body)
			w.WriteHeader(http.StatusUnauthorized)
			_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{"status": 401, "title": "Unauthorized",
				"detail": fmt.Sprintf("no customer %s with password %s", body.Data.Email, body.Data.Password)}}})
		},
	})
	client, err := moltin.New(moltin.Config{BaseURL: stub.URL, ClientID: "stub", ClientSecret: "stub-secret"})
	if err != nil {
		t.Fatal(err)
	}

	ctx := t.Context()
	r := &customerTokenEphemeralResource{ephemeralClient{client: client}}
	var sch ephemeral.SchemaResponse
	r.Schema(ctx, ephemeral.SchemaRequest{}, &sch)
	raw := tftypes.NewValue(sch.Schema.Type().TerraformType(ctx), map[string]tftypes.Value{
		"email":       tftypes.NewValue(tftypes.String, "pat@example.com"),
		"password":    tftypes.NewValue(tftypes.String, password),
		"customer_id": tftypes.NewValue(tftypes.String, nil),
		"token":       tftypes.NewValue(tftypes.String, nil),
		"expires_at":  tftypes.NewValue(tftypes.String, nil),
	})
	resp := &ephemeral.OpenResponse{Result: tfsdk.EphemeralResultData{Schema: sch.Schema, Raw: raw.Copy()}}
	r.Open(ctx, ephemeral.OpenRequest{Config: tfsdk.Config{Schema: sch.Schema, Raw: raw}}, resp)

	if tokenPosts == 0 {
		t.Fatal("the stub saw no token request")
	}
	if !resp.Diagnostics.HasError() {
		t.Fatal("a refused login gave no error")
	}
	var all string
	for _, d := range resp.Diagnostics {
		all += d.Summary() + "\n" + d.Detail() + "\n"
	}
	if strings.Contains(all, password) {
		t.Errorf("the diagnostic repeats the password:\n%s", all)
	}
	for _, want := range []string{"Customer login failed", "pat@example.com", "(redacted)"} {
		if !strings.Contains(all, want) {
			t.Errorf("the diagnostic lacks %q:\n%s", want, all)
		}
	}
}
