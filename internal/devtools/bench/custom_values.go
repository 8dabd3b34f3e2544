package main

import (
	"fmt"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

// Custom values (issue 20): N customers, each with two values of the
// customers flow (a string and an integer), the two fields declared in the
// same configuration. Steps of their own, so that the plain create and
// destroy keep their figures, comparable across versions, and the floor
// provider (moltin_customer alone) keeps its steps.

const (
	benchTierSlug   = "bench_tier"
	benchPointsSlug = "bench_points"
)

// customSteps are the create and destroy of N customers with two custom
// values each.
//
// Create: the values go in each customer's POST, so no request per
// customer beyond it. Around them: in the plan's process, its token and
// one read of the flow's fields for the plan-time check (shared by the N
// customers); in the apply's, its token, the fields' setup (the flow looked
// up, created since the emulator starts without it, the two fields
// created) and one read of the fields for the check before sending, again
// shared by the N customers.
//
// Destroy: the refresh reads each customer and field once, and the apply
// deletes each; the core flow stays.
func customSteps(o options, apply, destroy []string) []step {
	n := o.n
	cfg := version{password: 1, clientRPS: true, custom: true}
	return []step{
		{name: "create with two custom values each", args: apply, cfg: cfg, check: expectCustomValues(n),
			min: map[string]int{
				emulator.KindToken: 2, emulator.KindFieldList: 2,
				emulator.KindFlowList: 1, emulator.KindFlowCreate: 1, emulator.KindFieldCreate: 2,
				emulator.KindCreate: n,
			},
			// One after another: each process's fields read, the flow's
			// lookup and create, then the two field creates (at once).
			serial: 5},
		{name: "destroy with custom values", args: destroy, cfg: cfg, check: expectNoCustomFields(),
			min: map[string]int{
				emulator.KindToken: 2, emulator.KindGet: n, emulator.KindFieldGet: 2,
				emulator.KindDelete: n, emulator.KindFieldDelete: 2,
			},
			// The fields' deletes wait for the customers'.
			serial: 1},
	}
}

// customFieldsConfig declares the two fields.
const customFieldsConfig = `
resource "moltin_custom_field" "tier" {
  flow       = "customers"
  slug       = "` + benchTierSlug + `"
  name       = "Bench tier"
  field_type = "string"
}

resource "moltin_custom_field" "points" {
  flow       = "customers"
  slug       = "` + benchPointsSlug + `"
  name       = "Bench points"
  field_type = "integer"
}
`

// customValuesAttr is each customer's values; the keys are the fields'
// slugs, so that the customers wait for the fields.
const customValuesAttr = `
  custom_fields = {
    (moltin_custom_field.tier.slug)   = "gold"
    (moltin_custom_field.points.slug) = count.index
  }`

// customBaseline is the same on terraform_data: two field resources, and
// the values in each customer's input.
const customBaseline = `
resource "terraform_data" "tier" {
  input = { flow = "customers", slug = "` + benchTierSlug + `", name = "Bench tier", field_type = "string" }
}

resource "terraform_data" "points" {
  input = { flow = "customers", slug = "` + benchPointsSlug + `", name = "Bench points", field_type = "integer" }
}
`

const customBaselineInput = `    custom_fields = {
      (terraform_data.tier.input.slug)   = "gold"
      (terraform_data.points.input.slug) = count.index
    }
`

// expectCustomValues checks n customers, each with its two values.
func expectCustomValues(n int) func(*emulator.Server) error {
	return func(emu *emulator.Server) error {
		cs := emu.Customers()
		if len(cs) != n {
			return fmt.Errorf("%d customers, want %d", len(cs), n)
		}
		if got := emu.FieldSlugs("customers"); len(got) != 2 {
			return fmt.Errorf("the customers flow has the fields %v, want %s and %s", got, benchTierSlug, benchPointsSlug)
		}
		for _, c := range cs {
			v := emu.FlowValues("customers", c.ID)
			var i int
			if _, err := fmt.Sscanf(c.Name, "Bench Customer %d", &i); err != nil {
				return fmt.Errorf("customer %s is named %q", c.ID, c.Name)
			}
			if len(v) != 2 || v[benchTierSlug] != "gold" || fmt.Sprint(v[benchPointsSlug]) != fmt.Sprint(i) {
				return fmt.Errorf("customer %s (%s) has the values %v, want %s = gold, %s = %d", c.ID, c.Name, v, benchTierSlug, benchPointsSlug, i)
			}
		}
		return nil
	}
}

// expectNoCustomFields checks that the customers and the fields are gone
// and the core flow stays.
func expectNoCustomFields() func(*emulator.Server) error {
	return func(emu *emulator.Server) error {
		if err := expectCustomers(0, false, false)(emu); err != nil {
			return err
		}
		if got := emu.FieldSlugs("customers"); len(got) != 0 {
			return fmt.Errorf("the customers flow has fields left: %v", got)
		}
		if _, ok := emu.FlowBySlug("customers"); !ok {
			return fmt.Errorf("the core flow customers is gone")
		}
		return nil
	}
}
