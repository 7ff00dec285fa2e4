package data

import (
	"errors"
	"fmt"
	"time"
)

// Record types of the living toolkit (issue 23): partners propose tools and
// guides, editors review them, and the editor list is a log of signed changes.
const (
	TypeProposal = "proposal"
	TypeReview   = "review"
	TypeEditors  = "editors"
)

// Kinds of what a proposal is about.
const (
	KindTool  = "tool"
	KindGuide = "guide"
)

// Verdicts of a review, and the status of a proposal.
const (
	Accepted   = "accepted"
	Rejected   = "rejected"
	StatusOpen = "open"
)

// Editor list actions.
const (
	EditorFound  = "found"  // the organisation that set up the hub: its first editor
	EditorAdd    = "add"    // an editor adds an organisation
	EditorRemove = "remove" // an editor removes one (never the last)
)

// Proposal is a partner's proposed tool or guide: a new one, or a change or
// translation of an existing one (Target names it). It carries the whole
// entry as proposed. Owned and signed by the proposing organisation.
type Proposal struct {
	Meta
	Kind   string `json:"kind"`   // tool | guide
	Target string `json:"target"` // id of the tool or guide
	New    bool   `json:"new,omitempty"`
	Tool   *Tool  `json:"tool,omitempty"`
	Guide  *Guide `json:"guide,omitempty"`
}

// Review is an editor's decision on a proposal. An accepted one carries the
// entry as accepted, so that what every installation adds to its toolkit is
// what the editor signed, whatever the proposer changes later. Owned and
// signed by the editor's organisation; it counts only if that organisation
// was an editor when it signed (EditorsAt).
type Review struct {
	Meta
	Proposal string `json:"proposal"`
	Proposer string `json:"proposer"`
	Verdict  string `json:"verdict"` // accepted | rejected
	Reason   string `json:"reason,omitempty"`
	Kind     string `json:"kind"`
	Target   string `json:"target"`
	Tool     *Tool  `json:"tool,omitempty"`
	Guide    *Guide `json:"guide,omitempty"`
}

// EditorChange is one change of the editor list, signed by an editor's
// organisation (or, for "found", by the organisation that set up the hub).
type EditorChange struct {
	Meta
	Action string `json:"action"` // found | add | remove
	Editor string `json:"editor"` // the organisation added, removed or founding
	Hub    string `json:"hub,omitempty"`
}

// Provenance says where a toolkit entry of the network came from: shown
// beside it, never sent (the entry lives in the toolkit of each installation).
type Provenance struct {
	Proposal   string    `json:"proposal"`
	ProposedBy string    `json:"proposed_by"`
	AcceptedBy string    `json:"accepted_by"`
	Accepted   time.Time `json:"accepted"`
}

// Problems with proposals, reviews and the editor list, worded by the front
// ends.
var (
	ErrNotEditor         = errors.New("only an editor of the hub may do this")
	ErrNoProposal        = errors.New("no proposal has this id")
	ErrAlreadyReviewed   = errors.New("the proposal was already reviewed")
	ErrReasonRequired    = errors.New("a rejection needs a reason")
	ErrUnknownCategory   = errors.New("unknown category")
	ErrUnknownCompetence = errors.New("unknown DigComp competence")
	ErrNoTarget          = errors.New("the proposal names no tool or guide id")
	ErrBadEntryID        = errors.New("a new entry's id is lower-case letters, digits and dashes")
	ErrNoChange          = errors.New("the proposal changes nothing")
	ErrNotOrg            = errors.New("no organisation has this id")
	ErrAlreadyEditor     = errors.New("the organisation is an editor already")
	ErrNotAnEditor       = errors.New("the organisation is not an editor")
	ErrLastEditor        = errors.New("the last editor cannot be removed")
	ErrNoEditors         = errors.New("this network has no editor yet")
)

// MissingTextError says that a proposal lacks a text in a language it must
// have: English, and the proposer's language.
type MissingTextError struct{ Field, Lang string }

func (e *MissingTextError) Error() string {
	return fmt.Sprintf("%s has no text in %s", e.Field, e.Lang)
}

// IDTakenError says that a new entry's id is already proposed by another
// organisation.
type IDTakenError struct{ ID, Org string }

func (e *IDTakenError) Error() string {
	return fmt.Sprintf("the id %s is already proposed by %s", e.ID, e.Org)
}

// InvalidEntryError wraps the content problems of a proposed entry.
type InvalidEntryError struct{ Err error }

func (e *InvalidEntryError) Error() string {
	return "the proposed entry is not valid: " + e.Err.Error()
}
func (e *InvalidEntryError) Unwrap() error { return e.Err }

// PersonalDataError says a proposal's text holds personal data.
type PersonalDataError struct{ Field, Kind, Text string }

func (e *PersonalDataError) Error() string {
	return fmt.Sprintf("%s may contain personal data (%s %q)", e.Field, e.Kind, e.Text)
}
