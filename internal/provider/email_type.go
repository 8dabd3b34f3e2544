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

// emailType is a string whose values are equal when they differ only in case:
// the API matches emails case-insensitively and may return one in another
// case than it was sent, which must not show as a change.
type emailType struct {
	basetypes.StringType
}

var (
	_ basetypes.StringTypable                    = emailType{}
	_ basetypes.StringValuableWithSemanticEquals = emailValue{}
)

func (t emailType) Equal(o attr.Type) bool {
	other, ok := o.(emailType)
	return ok && t.StringType.Equal(other.StringType)
}

func (emailType) String() string { return "emailType" }

func (emailType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return emailValue{StringValue: in}, nil
}

func (t emailType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return emailValue{StringValue: s}, nil
}

func (emailType) ValueType(context.Context) attr.Value { return emailValue{} }

type emailValue struct {
	basetypes.StringValue
}

func newEmailValue(s string) emailValue { return emailValue{StringValue: basetypes.NewStringValue(s)} }

func (v emailValue) Equal(o attr.Value) bool {
	other, ok := o.(emailValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

func (emailValue) Type(context.Context) attr.Type { return emailType{} }

func (v emailValue) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	n, ok := newValuable.(emailValue)
	if !ok {
		return false, nil
	}
	return strings.EqualFold(v.ValueString(), n.ValueString()), nil
}
