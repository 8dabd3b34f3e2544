package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// custom_fields of moltin_account: the accounts flow's values, as on
// moltin_customer (customer_custom_fields.go, custom_fields.go).

const accountsFlow = "accounts"

var _ resource.ResourceWithModifyPlan = (*accountResource)(nil)

// ModifyPlan checks the planned custom_fields against the accounts flow's
// fields, at plan time where they exist.
func (r *accountResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	customFieldsPlanCheck(ctx, r.client, accountsFlow, req.Plan, req.State, &resp.Diagnostics)
}
