package moltin

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"time"
)

// AccountMembership says that an account member may buy for an account.
type AccountMembership struct {
	ID              string
	AccountID       string
	AccountMemberID string
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

type wireAccountMembership struct {
	ID              string `json:"id"`
	AccountMemberID string `json:"account_member_id"`
	Relationships   struct {
		AccountMember struct {
			Data *struct {
				ID string `json:"id"`
			} `json:"data"`
		} `json:"account_member"`
	} `json:"relationships"`
	Meta wireMeta `json:"meta"`
}

// membershipOf reads the memberships of an account, which they do not name.
func membershipOf(accountID string) func(*wireAccountMembership) (AccountMembership, error) {
	return func(w *wireAccountMembership) (AccountMembership, error) {
		m := AccountMembership{ID: w.ID, AccountID: accountID, AccountMemberID: w.AccountMemberID}
		if d := w.Relationships.AccountMember.Data; d != nil && d.ID != "" {
			m.AccountMemberID = d.ID
		}
		var err error
		m.CreatedAt, m.UpdatedAt, err = w.Meta.stamps("an account membership", m.ID)
		return m, err
	}
}

func membershipsPath(accountID string) string {
	return accountPath(accountID) + "/account-memberships"
}

func membershipPath(accountID, id string) string {
	return objectPath(membershipsPath(accountID), id)
}

// DefaultMemberWait bounds how long a membership create waits for its
// account member to appear after the member's UAI was made.
const DefaultMemberWait = 10 * time.Second

// MemberNotReadyError says that the account member of a membership did not
// appear within the wait.
type MemberNotReadyError struct {
	AccountMemberID string
	Waited          time.Duration
	Err             error // the last answer to the membership create
}

func (e *MemberNotReadyError) Error() string {
	return fmt.Sprintf("account member %s did not appear within %s (the API builds members from their user authentication info a moment after it is made): %v",
		e.AccountMemberID, e.Waited.Round(100*time.Millisecond), e.Err)
}

func (e *MemberNotReadyError) Unwrap() error { return e.Err }

// CreateAccountMembership adds a member to an account. The member appears a
// moment after its UAI: while the create is refused (404 or 422) and the
// member cannot be read yet, it is sent again with backoff, for up to wait
// (DefaultMemberWait when 0), within the interrupt rules (nothing is sent
// after a stop). A duplicate is the API's 409, for the caller to handle.
func (c *Client) CreateAccountMembership(ctx context.Context, accountID, memberID string, wait time.Duration) (AccountMembership, error) {
	if wait <= 0 {
		wait = DefaultMemberWait
	}
	start := time.Now()
	memberSeen := false
	for attempt := 0; ; attempt++ {
		m, err := c.createAccountMembership(ctx, accountID, memberID)
		if err == nil {
			return m, nil
		}
		if s := StatusOf(err); s != http.StatusNotFound && s != http.StatusUnprocessableEntity {
			return AccountMembership{}, err
		}
		// Is it the member that is missing (not yet, or not at all)?
		if _, getErr := c.GetAccountMember(ctx, memberID); !IsNotFound(getErr) {
			// The member may have appeared between the two requests: one
			// more try, then the refusal is about something else.
			if getErr != nil || memberSeen {
				return AccountMembership{}, err
			}
			memberSeen = true
			continue
		}
		elapsed := time.Since(start)
		if elapsed >= wait {
			return AccountMembership{}, &MemberNotReadyError{AccountMemberID: memberID, Waited: elapsed, Err: err}
		}
		pause := min(backoff(100*time.Millisecond, 2*time.Second, attempt, nil), wait-elapsed)
		c.log.Debug(ctx, "Moltin account member not there yet; waiting before creating its membership again",
			map[string]any{"account_member_id": memberID, "attempt": attempt + 1, "wait_ms": pause.Milliseconds()})
		select {
		case <-ctx.Done():
			return AccountMembership{}, fmt.Errorf("waiting for account member %s to appear: %w", memberID, stoppedBeforeSending(ctx, "waiting for the account member"))
		case <-time.After(pause):
		}
	}
}

func (c *Client) createAccountMembership(ctx context.Context, accountID, memberID string) (AccountMembership, error) {
	store := c.base.String()
	m, err := createOnce(ctx, c, createFlow[AccountMembership]{
		what:   "account membership",
		path:   membershipsPath(accountID),
		body:   map[string]any{"data": map[string]any{"type": "account_membership", "account_member_id": memberID}},
		decode: decodeObject(membershipOf(accountID)),
		find: func(ctx context.Context) (AccountMembership, bool, error) {
			m, ok, err := c.FindAccountMembership(ctx, accountID, memberID)
			if ok && localCreates.known(store, m.ID) {
				return AccountMembership{}, false, nil
			}
			return m, ok, err
		},
		logID: func(m AccountMembership) map[string]any { return map[string]any{"account_membership_id": m.ID} },
	})
	if err == nil {
		localCreates.created(store, m.ID)
	}
	return m, err
}

// TakeOverMembership marks a membership found after a 409 as this process's,
// unless this process made or adopted it already (false).
func (c *Client) TakeOverMembership(id string) bool {
	return localCreates.takeOverID(c.base.String(), id)
}

// GetAccountMembership reads one membership of an account.
func (c *Client) GetAccountMembership(ctx context.Context, accountID, id string) (AccountMembership, error) {
	return callObject(ctx, c, http.MethodGet, membershipPath(accountID, id), nil, membershipOf(accountID))
}

// DeleteAccountMembership removes a membership; one already gone (or whose
// account is gone) is no error.
func (c *Client) DeleteAccountMembership(ctx context.Context, accountID, id string) error {
	_, err := c.deleteObject(ctx, membershipPath(accountID, id))
	return err
}

// AccountMemberships walks an account's memberships that match opts.
func (c *Client) AccountMemberships(ctx context.Context, accountID string, opts ListOptions) iter.Seq2[AccountMembership, error] {
	return listPages(ctx, c, membershipsPath(accountID), opts, membershipOf(accountID))
}

// FindAccountMembership finds the membership of a member in an account.
func (c *Client) FindAccountMembership(ctx context.Context, accountID, memberID string) (AccountMembership, bool, error) {
	return findFirst(c.AccountMemberships(ctx, accountID, ListOptions{Filters: []Filter{Eq("account_member_id", memberID)}}),
		func(m AccountMembership) bool { return m.AccountMemberID == memberID })
}
