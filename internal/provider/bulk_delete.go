package provider

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	actionschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// What the delete actions share: the limit on how many they delete, the
// deleting itself once the ids are collected, and the progress messages.

const (
	defaultDeleteLimit = 1000
	maxDeleteLimit     = 10000

	// bulkDeleteWorkers is how many DELETEs an action keeps on the wire at
	// once: enough to reach a development store's 25 requests a second at
	// about 150 ms a request. The client's rate limiter paces them.
	bulkDeleteWorkers = 4
	// bulkProgressEvery: a progress message after every so many deletes.
	bulkProgressEvery = 100
)

// progressGrace is how long a progress message may wait to be read once the
// invocation is interrupted (see progressReporter); a variable for tests.
var progressGrace = 5 * time.Second

// bulkTally counts what a bulk delete did with the ids it was given.
type bulkTally struct {
	Found   int // ids given
	Deleted int // answered 2xx
	Gone    int // answered 404: already gone
	NotSent int // never sent: the invocation stopped first
	Failed  int // answered an error, or no answer
	// FirstErr is the first failure, and FirstErrID the id it was for.
	FirstErr   error
	FirstErrID string
}

// bulkDelete deletes ids with del, bulkDeleteWorkers at a time. It sends no
// further delete after the first failure or once ctx ends, and waits for
// those already under way: the client carries a DELETE it has sent to its
// answer, whatever ctx does, and does not send one whose ctx has ended. del
// reports whether the API still had the object (a 404 is found = false and
// no error). progress is called after every bulkProgressEvery deletes but
// the last, from the calling goroutine.
//
// The ids are collected before the first delete, rather than deleting while
// walking the listing's pages: each delete would move the later matches one
// place up, and the next page, read at the next offset, would skip as many.
func bulkDelete(ctx context.Context, ids []string, del func(context.Context, string) (bool, error), progress func(bulkTally)) bulkTally {
	t := bulkTally{Found: len(ids)}
	type outcome struct {
		id    string
		found bool
		err   error
	}
	results := make(chan outcome, bulkDeleteWorkers)
	next, inFlight := 0, 0
	for {
		for inFlight < bulkDeleteWorkers && next < len(ids) && t.FirstErr == nil && ctx.Err() == nil {
			id := ids[next]
			next++
			inFlight++
			go func() {
				found, err := del(ctx, id)
				results <- outcome{id, found, err}
			}()
		}
		if inFlight == 0 {
			break
		}
		o := <-results
		inFlight--
		switch {
		case o.err == nil && o.found:
			t.Deleted++
		case o.err == nil:
			t.Gone++
		case errors.Is(o.err, moltin.ErrInterrupted):
			// Caught by the stop before it was sent (or sent again).
			t.NotSent++
		default:
			t.Failed++
			if t.FirstErr == nil {
				t.FirstErr, t.FirstErrID = o.err, o.id
			}
		}
		if done := t.Deleted + t.Gone; o.err == nil && done%bulkProgressEvery == 0 && done < len(ids) {
			progress(t)
		}
	}
	t.NotSent += len(ids) - next
	return t
}

// summary is the tally in one sentence, for the last progress message and
// the diagnostics; noun is the plural of what was deleted.
func (t bulkTally) summary(noun string) string {
	s := fmt.Sprintf("%d %s found, %d deleted, %d already gone", t.Found, noun, t.Deleted, t.Gone)
	if t.Failed > 0 {
		s += fmt.Sprintf(", %d failed", t.Failed)
	}
	if t.NotSent > 0 {
		s += fmt.Sprintf(", %d not sent", t.NotSent)
	}
	return s + "."
}

// finished is the last progress message: "Done: …", or "Stopped: …" when
// the delete did not get through every id.
func (t bulkTally) finished(noun string) string {
	if t.Failed > 0 || t.NotSent > 0 {
		return "Stopped: " + t.summary(noun)
	}
	return "Done: " + t.summary(noun)
}

// diagnostics explains a bulk delete that did not finish: stopped by an
// interrupt or by a failure. redact removes secrets from an error's text.
func (t bulkTally) diagnostics(ctx context.Context, noun string, redact func(string) string) diag.Diagnostics {
	var diags diag.Diagnostics
	switch {
	case t.FirstErr != nil:
		diags.AddError("Could not delete every matching "+singular(noun),
			fmt.Sprintf("Deleting %s %s failed: %s\n\nThe action stops sending deletes at the first failure, and waits for those already sent: %s "+
				"Run the action again once the cause is fixed; it finds what is left.",
				singular(noun), t.FirstErrID, redact(t.FirstErr.Error()), t.summary(noun)))
	case ctx.Err() != nil && t.NotSent > 0:
		diags.AddError("Interrupted",
			fmt.Sprintf("The run was interrupted (Terraform or OpenTofu asked the provider to stop). The deletes already sent were awaited and no other was sent: %s "+
				"Run the action again to delete the rest.", t.summary(noun)))
	}
	return diags
}

func singular(noun string) string {
	switch noun {
	case "customers":
		return "customer"
	case "account members":
		return "account member"
	}
	return noun
}

// progressReporter sends an invocation's progress messages, in order.
//
// The framework's send blocks until Terraform reads the message. Terraform
// reads them as they come, after an interrupt too; but a client that went
// away never reads again, and the invocation would hang on its next message.
// So once the invocation's context has ended, a message not read within
// progressGrace is dropped, and every later one with it.
type progressReporter struct {
	send func(action.InvokeProgressEvent)
	gone bool
}

func (p *progressReporter) say(ctx context.Context, format string, args ...any) {
	if p.send == nil || p.gone {
		return
	}
	msg := fmt.Sprintf(format, args...)
	read := make(chan struct{})
	go func() {
		p.send(action.InvokeProgressEvent{Message: msg})
		close(read)
	}()
	select {
	case <-read:
		return
	case <-ctx.Done():
	}
	timer := time.NewTimer(progressGrace)
	defer timer.Stop()
	select {
	case <-read:
	case <-timer.C:
		p.gone = true
	}
}

// verdict is what a delete action does with one item of its listing.
type verdict int

const (
	keep verdict = iota // delete it
	skip                // leave it: the API listed it, but it does not match
	stop                // leave it and every later one: the listing is past the matches
)

// bulkDeleteJob is one invocation of a delete action, its config read and
// checked: the listing of candidates, oldest first, and how to judge and
// delete each.
type bulkDeleteJob[T any] struct {
	action     string // the action's type, for the logs
	noun       string // what it deletes, plural: "customers"
	matching   string // what the candidates match, for the messages
	limit      int
	dryRun     bool
	items      iter.Seq2[T, error]
	judge      func(T) (id string, v verdict)
	listFailed func(error) diag.Diagnostic
	del        func(context.Context, string) (found bool, err error)
	redact     func(string) string
}

// run collects the ids to delete, reports how many, and unless it is a dry
// run deletes them with bulkDelete, reporting progress and a summary.
func (j bulkDeleteJob[T]) run(ctx context.Context, resp *action.InvokeResponse) {
	p := &progressReporter{send: resp.SendProgress}
	var ids []string
	seen := map[string]bool{}
	mismatched := 0
	for item, err := range j.items {
		if err != nil {
			resp.Diagnostics.Append(j.listFailed(err))
			return
		}
		id, v := j.judge(item)
		if v == stop {
			break // the walk is lazy: no further page is asked for
		}
		if v == skip {
			mismatched++
			continue
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if mismatched > 0 {
		resp.Diagnostics.AddWarning(fmt.Sprintf("%s listed that do not match", capitalized(j.noun)),
			fmt.Sprintf("The API listed %d %s that do not match %s as the API documents it; they were left alone.", mismatched, j.noun, j.matching))
	}
	found := fmt.Sprintf("Found %d %s matching %s", len(ids), j.noun, j.matching)
	if len(ids) == j.limit {
		found += fmt.Sprintf(" (the limit, %d: more may match)", j.limit)
	}
	p.say(ctx, "%s.", found)
	tflog.Info(ctx, j.action+" listed its matches", map[string]any{"found": len(ids), "limit": j.limit, "dry_run": j.dryRun})
	if j.dryRun {
		p.say(ctx, "Dry run: %d %s would be deleted; none was.", len(ids), j.noun)
		return
	}
	t := bulkDelete(ctx, ids, j.del, func(t bulkTally) {
		p.say(ctx, "Deleted %d of %d %s (%d already gone).", t.Deleted+t.Gone, t.Found, j.noun, t.Gone)
	})
	p.say(ctx, "%s", t.finished(j.noun))
	tflog.Info(ctx, j.action+" finished", map[string]any{
		"found": t.Found, "deleted": t.Deleted, "already_gone": t.Gone, "failed": t.Failed, "not_sent": t.NotSent,
	})
	resp.Diagnostics.Append(t.diagnostics(ctx, j.noun, j.redact)...)
}

func capitalized(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// refuseUnknown adds an error for each value still unknown at invoke time.
// Terraform resolves every value before it invokes; a filter still unknown
// would otherwise be left out, and the action delete more.
func refuseUnknown(diags *diag.Diagnostics, values map[string]attr.Value) {
	for name, v := range values {
		if v.IsUnknown() {
			diags.AddAttributeError(path.Root(name), "Unknown value",
				name+" is still unknown when the action is invoked, so the action cannot tell what it would delete. This is a bug in the client; please report it.")
		}
	}
}

func notConfigured() diag.Diagnostic {
	return diag.NewErrorDiagnostic("Provider not configured",
		"The moltin provider was not configured before the action ran. This is a bug in the client or the provider; please report it.")
}

// deleteBounds are the attributes of a delete action besides its filters.
type deleteBounds struct {
	CreatedBefore timetypes.RFC3339 `tfsdk:"created_before"`
	Limit         types.Int64       `tfsdk:"limit"`
	DryRun        types.Bool        `tfsdk:"dry_run"`
}

// deleteBoundsAttributes is the schema of deleteBounds; noun is the plural
// of what the action deletes.
func deleteBoundsAttributes(noun string) map[string]actionschema.Attribute {
	return map[string]actionschema.Attribute{
		"created_before": actionschema.StringAttribute{
			CustomType: timetypes.RFC3339Type{},
			MarkdownDescription: "Only " + noun + " created before this time, in RFC 3339 form (`2026-01-02T15:04:05Z`). " +
				"`timeadd(plantimestamp(), \"-24h\")` leaves alone the " + noun + " of the last day, such as those of a run still under way.",
			Optional: true,
		},
		"limit": actionschema.Int64Attribute{
			MarkdownDescription: fmt.Sprintf("The most %s to delete, oldest first. Defaults to %d; at most %d.", noun, defaultDeleteLimit, maxDeleteLimit),
			Optional:            true,
			Validators:          []validator.Int64{int64validator.Between(1, maxDeleteLimit)},
		},
		"dry_run": actionschema.BoolAttribute{
			MarkdownDescription: "Only count the " + noun + " that would be deleted, and delete none. Defaults to `false`.",
			Optional:            true,
		},
	}
}

// check repeats the schema's check of limit, for when the framework runs no
// validator (planning, invoking). created_before's type checks its own value
// whenever the framework reads the config.
func (b deleteBounds) check() diag.Diagnostics {
	var diags diag.Diagnostics
	if !b.Limit.IsNull() && !b.Limit.IsUnknown() {
		if n := b.Limit.ValueInt64(); n < 1 || n > maxDeleteLimit {
			diags.AddAttributeError(path.Root("limit"), "Invalid limit",
				fmt.Sprintf("limit is %d; it must be between 1 and %d. To delete more, run the action again.", n, maxDeleteLimit))
		}
	}
	return diags
}

func (b deleteBounds) limit() int {
	if b.Limit.IsNull() || b.Limit.IsUnknown() {
		return defaultDeleteLimit
	}
	return int(b.Limit.ValueInt64())
}

// cutoff is created_before in UTC, and whether it is set. One that cannot be
// read is an error, never a bound left out.
func (b deleteBounds) cutoff() (time.Time, bool, diag.Diagnostics) {
	if b.CreatedBefore.IsNull() {
		return time.Time{}, false, nil
	}
	t, diags := b.CreatedBefore.ValueRFC3339Time()
	if diags.HasError() {
		return time.Time{}, false, diags
	}
	return t.UTC(), true, nil
}

func (b deleteBounds) values() map[string]attr.Value {
	return map[string]attr.Value{"created_before": b.CreatedBefore, "limit": b.Limit, "dry_run": b.DryRun}
}

// checkEmailValue is emailValidator's check, for when no validator runs.
func checkEmailValue(name string, v types.String) diag.Diagnostics {
	var diags diag.Diagnostics
	if !v.IsNull() && !v.IsUnknown() {
		if msg := checkEmail(v.ValueString()); msg != "" {
			diags.AddAttributeError(path.Root(name), "Invalid email address", name+" "+msg)
		}
	}
	return diags
}
