package provider

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// TestProgressReporter_ClientGone checks that an interrupted invocation
// whose client no longer reads its progress does not hang on it: the
// framework's send blocks until the message is read.
func TestProgressReporter_ClientGone(t *testing.T) { //nolint:paralleltest // sets progressGrace
	old := progressGrace
	progressGrace = 50 * time.Millisecond
	t.Cleanup(func() { progressGrace = old })

	var mu sync.Mutex
	var read []string
	unread := make(chan struct{}) // never closed: a client that went away
	p := &progressReporter{send: func(e action.InvokeProgressEvent) {
		if e.Message == "blocked" {
			<-unread
		}
		mu.Lock()
		read = append(read, e.Message)
		mu.Unlock()
	}}
	ctx, cancel := context.WithCancel(t.Context())
	p.say(ctx, "first %d", 1)
	cancel()
	p.say(ctx, "read after the stop") // Terraform still reads after an interrupt
	start := time.Now()
	p.say(ctx, "blocked")
	if took := time.Since(start); took > 10*progressGrace {
		t.Errorf("say waited %s for a client that went away", took)
	}
	if !p.gone {
		t.Error("the reporter did not give up on the client")
	}
	start = time.Now()
	p.say(ctx, "after")
	if took := time.Since(start); took > progressGrace/2 {
		t.Errorf("say waited %s after giving up", took)
	}
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(read) != "[first 1 read after the stop]" {
		t.Errorf("read %q", read)
	}
}

// TestBulkDelete_Counts checks the tally of each kind of outcome and that
// nothing is sent after the first failure.
func TestBulkDelete_Counts(t *testing.T) {
	t.Parallel()
	ids := make([]string, 300)
	for i := range ids {
		ids[i] = fmt.Sprintf("id-%03d", i)
	}
	var mu sync.Mutex
	sent := map[string]bool{}
	del := func(_ context.Context, id string) (bool, error) {
		mu.Lock()
		sent[id] = true
		mu.Unlock()
		switch id {
		case "id-007", "id-150":
			return false, nil
		case "id-250":
			return false, errors.New("403 Forbidden")
		}
		return true, nil
	}
	var progress []string
	tally := bulkDelete(t.Context(), ids, del, func(t bulkTally) {
		progress = append(progress, t.summary("customers"))
	})
	if tally.Found != 300 || tally.Gone != 2 || tally.Failed != 1 || tally.FirstErrID != "id-250" ||
		tally.Deleted+tally.Gone+tally.Failed+tally.NotSent != 300 || tally.Deleted != len(sent)-3 {
		t.Errorf("tally %+v, %d sent", tally, len(sent))
	}
	// Sent in order, bulkDeleteWorkers at a time: after the failure only
	// those already under way.
	if len(sent) > 251+bulkDeleteWorkers {
		t.Errorf("%d deletes sent; the failure was the 251st", len(sent))
	}
	if len(progress) != 2 {
		t.Errorf("progress %q, want one at 100 and one at 200", progress)
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	tally = bulkDelete(ctx, ids, func(context.Context, string) (bool, error) {
		t.Error("a delete after the stop")
		return false, moltin.ErrInterrupted
	}, func(bulkTally) {})
	if tally.NotSent != 300 || tally.Deleted != 0 {
		t.Errorf("after a stop: %+v", tally)
	}
}
