package moltin

import (
	"encoding/json"
	"fmt"
	"reflect"
)

// Custom data: the values of a core flow's fields travel as top-level keys
// of an object's `data`, beside its own attributes.

// customerOwnKeys are the keys of a customer's data that are not flow
// values.
var customerOwnKeys = map[string]bool{
	"type": true, "id": true, "name": true, "email": true, "password": true,
	"external_ref": true, "meta": true, "links": true, "relationships": true,
}

// accountOwnKeys are the keys of an account's data that are not flow
// values.
var accountOwnKeys = map[string]bool{
	"type": true, "id": true, "name": true, "legal_name": true, "registration_id": true, "external_ref": true,
	"parent_id": true, "meta": true, "links": true, "relationships": true,
}

// IsCustomerOwnKey reports whether key is one of the customer's own
// attributes (or of the JSON:API envelope), which no flow field can be.
func IsCustomerOwnKey(key string) bool { return customerOwnKeys[key] }

// addCustom puts custom values into data, refusing a key that would
// overwrite one of the object's own.
func addCustom(data map[string]any, custom map[string]any) error {
	return addCustomOf(data, custom, customerOwnKeys, "customer")
}

func addCustomOf(data, custom map[string]any, own map[string]bool, object string) error {
	for k, v := range custom {
		if _, taken := data[k]; taken || own[k] {
			return fmt.Errorf("custom field %q has the name of one of the %s's own attributes", k, object)
		}
		data[k] = v
	}
	return nil
}

// decodeCustom keeps the keys of a data object that are not the
// customer's own.
func decodeCustom(b []byte, out *map[string]json.RawMessage) error {
	return decodeCustomOf(b, out, customerOwnKeys)
}

func decodeCustomOf(b []byte, out *map[string]json.RawMessage, own map[string]bool) error {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return err
	}
	for k, v := range all {
		if own[k] {
			continue
		}
		if *out == nil {
			*out = make(map[string]json.RawMessage, len(all))
		}
		(*out)[k] = v
	}
	return nil
}

// jsonEqual compares two JSON values by meaning (120 equals 120.0; an
// absent value equals null).
func jsonEqual(a, b json.RawMessage) bool {
	var x, y any
	if len(a) == 0 {
		a = json.RawMessage("null")
	}
	if len(b) == 0 {
		b = json.RawMessage("null")
	}
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return string(a) == string(b)
	}
	return reflect.DeepEqual(x, y)
}

// customChanges are the values of want that have has not (for adopting an
// existing object); nil when there are none.
func customChanges(has map[string]json.RawMessage, want map[string]any) map[string]any {
	var out map[string]any
	for k, v := range want {
		if b, err := json.Marshal(v); err != nil || !jsonEqual(has[k], b) {
			if out == nil {
				out = map[string]any{}
			}
			out[k] = v
		}
	}
	return out
}
