// Command listschemas adds the provider's list resource and action schemas
// to the `providers schema -json` document read on stdin, and writes it to
// stdout, for tfplugindocs.
//
// The CLIs that can be built here (OpenTofu 1.12, Terraform 1.5) know nothing
// of list resources or actions, so their schema document leaves them out;
// Terraform 1.14 would add them under list_resource_schemas and
// action_schemas. This asks the provider itself, served in this process,
// through the plugin protocol.
//
//	usage: go run ./internal/devtools/listschemas <schema.json >schema.full.json
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/moltin-community/terraform-provider-moltin/internal/provider"
)

// providerKey is the provider's key in the document, as scripts/docs.sh
// rewrites it for tfplugindocs.
const providerKey = "moltin"

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "listschemas:", err)
		os.Exit(1)
	}
}

func run() error {
	var doc map[string]any
	if err := json.NewDecoder(os.Stdin).Decode(&doc); err != nil {
		return fmt.Errorf("reading the schema document: %w", err)
	}
	schemas, _ := doc["provider_schemas"].(map[string]any)
	ours, ok := schemas[providerKey].(map[string]any)
	if !ok {
		return fmt.Errorf("the schema document has no provider %q", providerKey)
	}

	server, err := providerserver.NewProtocol6WithError(provider.New("docs")())()
	if err != nil {
		return err
	}
	resp, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return err
	}
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return fmt.Errorf("GetProviderSchema: %s: %s", d.Summary, d.Detail)
		}
	}
	lists := map[string]any{}
	for name, s := range resp.ListResourceSchemas {
		block, err := blockJSON(s.Block)
		if err != nil {
			return fmt.Errorf("list resource %s: %w", name, err)
		}
		lists[name] = map[string]any{"version": s.Version, "block": block}
	}
	if len(lists) > 0 {
		ours["list_resource_schemas"] = lists
	}
	actions := map[string]any{}
	for name, s := range resp.ActionSchemas {
		block, err := blockJSON(s.Schema.Block)
		if err != nil {
			return fmt.Errorf("action %s: %w", name, err)
		}
		actions[name] = map[string]any{"block": block}
	}
	if len(actions) > 0 {
		ours["action_schemas"] = actions
	}
	out := json.NewEncoder(os.Stdout)
	return out.Encode(doc)
}

// blockJSON is a schema block as `providers schema -json` writes it. List
// resource and action configurations hold plain attributes only; anything
// else is refused rather than documented wrongly.
func blockJSON(b *tfprotov6.SchemaBlock) (map[string]any, error) {
	if len(b.BlockTypes) > 0 {
		return nil, errors.New("nested blocks are not supported here")
	}
	attrs := map[string]any{}
	for _, a := range b.Attributes {
		if a.NestedType != nil {
			return nil, fmt.Errorf("attribute %s: nested attributes are not supported here", a.Name)
		}
		typ, err := typeJSON(a.Type)
		if err != nil {
			return nil, fmt.Errorf("attribute %s: %w", a.Name, err)
		}
		attr := map[string]any{"type": typ}
		if a.Description != "" {
			attr["description"] = a.Description
			attr["description_kind"] = kind(a.DescriptionKind)
		}
		for flag, set := range map[string]bool{
			"required": a.Required, "optional": a.Optional, "computed": a.Computed,
			"sensitive": a.Sensitive, "deprecated": a.Deprecated,
		} {
			if set {
				attr[flag] = true
			}
		}
		attrs[a.Name] = attr
	}
	out := map[string]any{"attributes": attrs}
	if b.Description != "" {
		out["description"] = b.Description
		out["description_kind"] = kind(b.DescriptionKind)
	}
	if b.Deprecated {
		out["deprecated"] = true
	}
	return out, nil
}

// typeJSON is a primitive type as the schema document names it.
func typeJSON(t tftypes.Type) (string, error) {
	switch {
	case t.Is(tftypes.String):
		return "string", nil
	case t.Is(tftypes.Number):
		return "number", nil
	case t.Is(tftypes.Bool):
		return "bool", nil
	}
	return "", fmt.Errorf("type %s is not supported here", t)
}

func kind(k tfprotov6.StringKind) string {
	if k == tfprotov6.StringKindMarkdown {
		return "markdown"
	}
	return "plain"
}
