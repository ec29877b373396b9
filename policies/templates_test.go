package policies_test

import (
	"context"
	"testing"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/policy"
)

// TestMetadataTemplates: the engine parses every reason's message templates (METADATA
// custom.message.en and .de) with its template functions and rejects duplicate codes; a
// template that does not parse fails here, where policy staff run the policy tests.
func TestMetadataTemplates(t *testing.T) {
	p, err := policy.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := engine.New(context.Background(), p); err != nil {
		t.Fatal(err)
	}
}
