// Package acctest is what the tests of every package share: whether a run
// targets a live store instead of an in-process emulator, the email prefix
// that marks every customer a run makes (so that a sweeper can find what a
// crashed run left and nothing else), and a loopback URL nothing listens on.
package acctest

import (
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"regexp"
	"strings"
	"testing"
)

// LiveEnv turns live mode on ("1"); make testacc-live sets it.
const LiveEnv = "MOLTIN_ACC_LIVE"

// RunEnv may name the run id (8 lowercase letters or digits), so that every
// test binary of one run, and a later sweep of it, share one prefix.
const RunEnv = "MOLTIN_ACC_RUN"

// StoreVars are the three variables that name the live store.
var StoreVars = []string{"EPCC_CLIENT_ID", "EPCC_CLIENT_SECRET", "EPCC_API_BASE_URL"}

// Store is where live mode sends its requests.
type Store struct {
	BaseURL, ClientID, ClientSecret string
}

// MissingStoreMessage says what live mode needs, naming the three variables.
func MissingStoreMessage(missing []string) string {
	return fmt.Sprintf("live mode needs EPCC_CLIENT_ID, EPCC_CLIENT_SECRET and EPCC_API_BASE_URL to name a store; not set: %s",
		strings.Join(missing, ", "))
}

// StoreFromEnv reads the three variables; the error names those missing.
func StoreFromEnv() (Store, error) {
	var missing []string
	get := func(name string) string {
		v := os.Getenv(name)
		if v == "" {
			missing = append(missing, name)
		}
		return v
	}
	s := Store{ClientID: get("EPCC_CLIENT_ID"), ClientSecret: get("EPCC_CLIENT_SECRET"), BaseURL: get("EPCC_API_BASE_URL")}
	if len(missing) > 0 {
		return Store{}, fmt.Errorf("%s", MissingStoreMessage(missing))
	}
	return s, nil
}

// Live reports whether live mode is on and, if it is, the store. Live mode
// on with a variable missing is an error, never a silent fall-back to the
// emulator.
func Live() (Store, bool, error) {
	if os.Getenv(LiveEnv) != "1" {
		return Store{}, false, nil
	}
	s, err := StoreFromEnv()
	return s, err == nil, err
}

// EmailDomain is the domain of every email a test makes (reserved, so no
// mail can go to a real person).
const EmailDomain = "example.com"

const prefixBase = "tfacc-"

var (
	runIDPattern = regexp.MustCompile(`^[a-z0-9]{8}$`)
	// testEmail is what a run makes: tfacc-<run id>-…@example.com.
	testEmail = regexp.MustCompile(`(?i)^tfacc-([a-z0-9]{8})-[^@\s]+@example\.com$`)
)

// RunID is this process's run id: RunEnv if it holds a valid one, else
// random.
var RunID = func() string {
	if id := os.Getenv(RunEnv); runIDPattern.MatchString(id) {
		return id
	}
	return NewRunID()
}()

// NewRunID returns a random run id.
func NewRunID() string { return strings.ToLower(rand.Text()[:8]) }

// RunPrefix is the start of every email this run makes.
func RunPrefix() string { return prefixBase + RunID + "-" }

// SweepFilterPrefix is the start shared by every run's emails, for a like()
// filter that narrows a listing before IsTestEmail decides.
const SweepFilterPrefix = prefixBase

// Email is the email of a customer a test makes: the run prefix, the test's
// tag, then local, at EmailDomain.
func Email(tag, local string) string {
	return RunPrefix() + tag + "-" + local + "@" + EmailDomain
}

// RunOf returns the run id of an email that a test run made, and whether it
// is one; any other email (however close) is not.
func RunOf(email string) (string, bool) {
	m := testEmail.FindStringSubmatch(email)
	if m == nil {
		return "", false
	}
	return strings.ToLower(m[1]), true
}

// testName is a name a run gives an object without an email (an account, a
// password profile): tfacc-<run id>-<tag>-….
var testName = regexp.MustCompile(`(?i)^tfacc-([a-z0-9]{8})-\S+$`)

// RunOfName returns the run id of a name that a test run made, and whether
// it is one.
func RunOfName(name string) (string, bool) {
	m := testName.FindStringSubmatch(name)
	if m == nil {
		return "", false
	}
	return strings.ToLower(m[1]), true
}

// fieldSlugPrefix starts the slug of every custom field a test run makes:
// slugs take letters, digits, - and _, and are shared by the whole store.
const fieldSlugPrefix = "tfacc_"

var testFieldSlug = regexp.MustCompile(`^tfacc_([a-z0-9]{8})_[a-z0-9]+_[a-z0-9_]+$`)

// FieldSlug is the slug of a custom field a test makes: tfacc_<run>_<tag>_<local>.
func FieldSlug(tag, local string) string {
	return fieldSlugPrefix + RunID + "_" + tag + "_" + local
}

// RunOfFieldSlug returns the run id of a field slug that a test run made,
// and whether it is one.
func RunOfFieldSlug(slug string) (string, bool) {
	m := testFieldSlug.FindStringSubmatch(slug)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// ClosedURL is the http URL of a loopback port that nothing listens on: a
// connection to it is refused at once.
func ClosedURL(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return "http://" + addr
}
