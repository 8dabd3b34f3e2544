package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// The API client that the provider's Configure hands to the resources, list
// resources, data sources and ephemeral resources, and their Configure that
// takes it: embedded in each type instead of written out in each.

// resourceClient is the API client of a resource or list resource:
// embedded, it gives the type the Configure that takes the client from the
// provider.
type resourceClient struct {
	client *moltin.Client
}

func (r *resourceClient) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// dataSourceClient is the API client of a data source, as resourceClient.
type dataSourceClient struct {
	client *moltin.Client
}

func (d *dataSourceClient) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// ephemeralClient is the API client of an ephemeral resource, as
// resourceClient.
type ephemeralClient struct {
	client *moltin.Client
}

func (e *ephemeralClient) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}
