package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// caseFoldType is a string whose values are equal when they differ only in
// case. Emails and country codes are such strings: the API matches emails
// case-insensitively and may return one in another case than it was sent,
// and `gb` is the country `GB`; neither difference must show as a change.
type caseFoldType struct {
	basetypes.StringType
}

var (
	_ basetypes.StringTypable                    = caseFoldType{}
	_ basetypes.StringValuableWithSemanticEquals = caseFoldValue{}
)

func (t caseFoldType) Equal(o attr.Type) bool {
	other, ok := o.(caseFoldType)
	return ok && t.StringType.Equal(other.StringType)
}

func (caseFoldType) String() string { return "caseFoldType" }

// The attributes' own names for the type.
type (
	emailType    = caseFoldType
	emailValue   = caseFoldValue
	countryType  = caseFoldType
	countryValue = caseFoldValue
)

func newEmailValue(s string) emailValue { return newCaseFoldValue(s) }

func newCountryValue(s string) countryValue { return newCaseFoldValue(s) }

func (caseFoldType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return caseFoldValue{StringValue: in}, nil
}

func (t caseFoldType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return caseFoldValue{StringValue: s}, nil
}

func (caseFoldType) ValueType(context.Context) attr.Value { return caseFoldValue{} }

type caseFoldValue struct {
	basetypes.StringValue
}

func newCaseFoldValue(s string) caseFoldValue {
	return caseFoldValue{StringValue: basetypes.NewStringValue(s)}
}

func (v caseFoldValue) Equal(o attr.Value) bool {
	other, ok := o.(caseFoldValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

func (caseFoldValue) Type(context.Context) attr.Type { return caseFoldType{} }

func (v caseFoldValue) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	n, ok := newValuable.(caseFoldValue)
	if !ok {
		return false, nil
	}
	return strings.EqualFold(v.ValueString(), n.ValueString()), nil
}
