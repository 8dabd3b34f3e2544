package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// countryType is a country code whose values are equal when they differ
// only in case: `gb` in the configuration is sent to the API as `GB`, and
// the `GB` that the API answers is not a change.
type countryType struct {
	basetypes.StringType
}

var (
	_ basetypes.StringTypable                    = countryType{}
	_ basetypes.StringValuableWithSemanticEquals = countryValue{}
)

func (t countryType) Equal(o attr.Type) bool {
	other, ok := o.(countryType)
	return ok && t.StringType.Equal(other.StringType)
}

func (countryType) String() string { return "countryType" }

func (countryType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return countryValue{StringValue: in}, nil
}

func (t countryType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return countryValue{StringValue: s}, nil
}

func (countryType) ValueType(context.Context) attr.Value { return countryValue{} }

type countryValue struct {
	basetypes.StringValue
}

func newCountryValue(s string) countryValue {
	return countryValue{StringValue: basetypes.NewStringValue(s)}
}

func (v countryValue) Equal(o attr.Value) bool {
	other, ok := o.(countryValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

func (countryValue) Type(context.Context) attr.Type { return countryType{} }

func (v countryValue) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	n, ok := newValuable.(countryValue)
	if !ok {
		return false, nil
	}
	return strings.EqualFold(v.ValueString(), n.ValueString()), nil
}

// countryValidator accepts the ISO 3166-1 alpha-2 codes that are officially
// assigned, in either case, by the region data of golang.org/x/text (CLDR):
// a region that is a country, not private use (XK, QM–QZ, XA–XZ, AA, ZZ),
// its own canonical form (so UK, FX, DD, ZR… are refused with the code that
// replaced them), with a numeric code (refusing the exceptionally reserved
// AC, CP, DG, EA, EZ, IC, TA, UN) and a name (refusing the deleted AN, CS,
// NT, SU, YU). That leaves the 249 assigned codes.
type countryValidator struct{}

var _ validator.String = countryValidator{}

func (countryValidator) Description(context.Context) string {
	return "must be an ISO 3166-1 alpha-2 country code such as GB or US"
}

func (v countryValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (countryValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := checkCountry(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid country code", msg)
	}
}

var regionNames = display.English.Regions()

// checkCountry says what is wrong with a country code, or "" if nothing.
func checkCountry(s string) string {
	const want = "Use the two-letter ISO 3166-1 alpha-2 code of a country, such as GB (United Kingdom) or US (United States)."
	if len(s) != 2 || !isASCIILetters(s) {
		return fmt.Sprintf("%q is not a two-letter country code. %s", s, want)
	}
	r, err := language.ParseRegion(s)
	if err != nil || !r.IsCountry() || r.IsPrivateUse() || r.M49() == 0 {
		return fmt.Sprintf("%q is not the code of a country. %s", s, want)
	}
	if c := r.Canonicalize(); c != r {
		return fmt.Sprintf("%q is not an assigned country code: use %s (%s) instead.", s, c, regionNames.Name(c))
	}
	if regionNames.Name(r) == "" {
		return fmt.Sprintf("%q was deleted from ISO 3166-1 and is no longer a country code. %s", s, want)
	}
	return ""
}

func isASCIILetters(s string) bool {
	for _, c := range s {
		if (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') {
			return false
		}
	}
	return true
}
