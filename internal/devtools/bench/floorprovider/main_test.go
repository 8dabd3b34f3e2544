package main

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestKnownFillsTheComputedValues(t *testing.T) {
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"id": tftypes.String, "name": tftypes.String, "has_password": tftypes.Bool, "updated_at": tftypes.String,
	}}
	plan := tftypes.NewValue(typ, map[string]tftypes.Value{
		"id":           tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
		"name":         tftypes.NewValue(tftypes.String, "Ann"),
		"has_password": tftypes.NewValue(tftypes.Bool, tftypes.UnknownValue),
		"updated_at":   tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
	})
	got, err := known(plan, "floor-1")
	if err != nil {
		t.Fatal(err)
	}
	if !got.IsFullyKnown() {
		t.Errorf("known left unknown values: %s", got)
	}
	var attrs map[string]tftypes.Value
	if err := got.As(&attrs); err != nil {
		t.Fatal(err)
	}
	var id, name string
	if err := attrs["id"].As(&id); err != nil || id != "floor-1" {
		t.Errorf("id = %q (%v), want floor-1", id, err)
	}
	if err := attrs["name"].As(&name); err != nil || name != "Ann" {
		t.Errorf("name = %q (%v), want the planned Ann", name, err)
	}

	odd := tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"name": tftypes.String}},
		map[string]tftypes.Value{"name": tftypes.NewValue(tftypes.String, tftypes.UnknownValue)})
	if _, err := known(odd, "floor-2"); err == nil {
		t.Error("known accepted an unknown name, which no API answer fills in")
	}
}
