package moltin

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
)

// putBodies returns the data objects of the PUTs the emulator received.
func putBodies(t *testing.T, api *testAPI) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, r := range api.Requests() {
		if r.Method != http.MethodPut {
			continue
		}
		var doc struct {
			Data map[string]any `json:"data"`
		}
		if err := json.Unmarshal(r.Body, &doc); err != nil {
			t.Fatalf("PUT body %s: %v", r.Body, err)
		}
		out = append(out, doc.Data)
	}
	return out
}

// TestAdoptExistingSendsOnlyTheDifference: a customer left behind with the
// email is adopted with one PUT of the attributes that differ, and the
// password, which cannot be compared.
func TestAdoptExistingSendsOnlyTheDifference(t *testing.T) {
	api, c := newEmulatedClient(t)
	left, err := api.CreateCustomer("Left Behind", "ann@example.com", "", strp("crm-old"))
	if err != nil {
		t.Fatal(err)
	}
	in := CustomerCreate{Name: "Ann", Email: "ann@example.com", Password: strp("Adopted-pw-1234")}
	_, createErr := c.CreateCustomer(t.Context(), in)
	if !IsConflict(createErr) {
		t.Fatalf("create of a taken email: %v; want a conflict", createErr)
	}
	got, adopted, err := c.AdoptExisting(t.Context(), in, createErr)
	if err != nil || !adopted {
		t.Fatalf("AdoptExisting: adopted %v, %v", adopted, err)
	}
	if got.ID != left.ID || got.Name != "Ann" || got.ExternalRef != nil || !got.HasPassword {
		t.Errorf("adopted %+v; want %s renamed, external_ref cleared, with a password", got, left.ID)
	}
	puts := putBodies(t, api)
	if len(puts) != 1 {
		t.Fatalf("%d PUTs; want 1", len(puts))
	}
	for _, k := range []string{"name", "password", "external_ref"} {
		if _, ok := puts[0][k]; !ok {
			t.Errorf("the PUT lacks %s: %v", k, puts[0])
		}
	}
	if _, ok := puts[0]["email"]; ok {
		t.Errorf("the PUT sends the email, which matches already: %v", puts[0])
	}
	if !api.CheckPassword("ann@example.com", "Adopted-pw-1234") {
		t.Error("the adopted customer does not have the configured password")
	}
}

// TestAdoptExistingIdenticalSendsNothing: nothing differs and no password is
// configured, so no PUT.
func TestAdoptExistingIdenticalSendsNothing(t *testing.T) {
	api, c := newEmulatedClient(t)
	left, err := api.CreateCustomer("Ann", "ann@example.com", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	in := CustomerCreate{Name: "Ann", Email: "ann@example.com"}
	_, createErr := c.CreateCustomer(t.Context(), in)
	got, adopted, err := c.AdoptExisting(t.Context(), in, createErr)
	if err != nil || !adopted || got.ID != left.ID {
		t.Fatalf("AdoptExisting: %+v adopted %v, %v", got, adopted, err)
	}
	if n := len(putBodies(t, api)); n != 0 {
		t.Errorf("%d PUTs; want none", n)
	}
}

// TestAdoptExistingNeverTakesThisRunsCustomer: a second create of one email
// in the same process fails, whether the first create finished or not.
func TestAdoptExistingNeverTakesThisRunsCustomer(t *testing.T) {
	api, c := newEmulatedClient(t)
	first, err := c.CreateCustomer(t.Context(), CustomerCreate{Name: "Ann", Email: "ann@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	in := CustomerCreate{Name: "Other", Email: "ANN@example.com"}
	_, createErr := c.CreateCustomer(t.Context(), in)
	_, adopted, err := c.AdoptExisting(t.Context(), in, createErr)
	var refused *AdoptionRefusedError
	if adopted || !errors.As(err, &refused) || refused.Existing.ID != first.ID {
		t.Fatalf("adopted %v, error %v; want an AdoptionRefusedError about %s", adopted, err, first.ID)
	}
	if n := len(putBodies(t, api)); n != 0 {
		t.Errorf("%d PUTs; want none", n)
	}
}

// TestAdoptExistingLeavesOtherErrors: an error that is not about the email
// is returned as it is.
func TestAdoptExistingLeavesOtherErrors(t *testing.T) {
	_, c := newEmulatedClient(t)
	in := CustomerCreate{Name: "", Email: "ann@example.com"}
	_, createErr := c.CreateCustomer(t.Context(), in)
	if createErr == nil {
		t.Fatal("a create without a name succeeded")
	}
	if _, adopted, err := c.AdoptExisting(t.Context(), in, createErr); adopted || !errors.Is(err, createErr) {
		t.Errorf("adopted %v, error %v; want the create's own error", adopted, err)
	}
}

// TestAdoptExistingOnlyOnce: two resources of one run that meet the same
// customer left behind do not both adopt it.
func TestAdoptExistingOnlyOnce(t *testing.T) {
	api, c := newEmulatedClient(t)
	if _, err := api.CreateCustomer("Left Behind", "ann@example.com", "", nil); err != nil {
		t.Fatal(err)
	}
	a := CustomerCreate{Name: "Ann A", Email: "ann@example.com"}
	b := CustomerCreate{Name: "Ann B", Email: "ann@example.com"}
	_, errA := c.CreateCustomer(t.Context(), a)
	_, errB := c.CreateCustomer(t.Context(), b)
	_, adoptedA, errA := c.AdoptExisting(t.Context(), a, errA)
	_, adoptedB, errB := c.AdoptExisting(t.Context(), b, errB)
	var refused *AdoptionRefusedError
	if !adoptedA || errA != nil || adoptedB || !errors.As(errB, &refused) {
		t.Errorf("first: adopted %v (%v); second: adopted %v (%v); want the first alone", adoptedA, errA, adoptedB, errB)
	}
}
