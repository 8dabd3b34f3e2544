package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

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
