package data

import (
	"context"
	"errors"
	"regexp"
	"sort"
	"strings"
)

// TypeUsage is a usage mark: an organisation says it uses a tool (issue 23).
const TypeUsage = "usage"

// Verdicts of a usage mark.
const (
	VerdictRecommended  = "recommended"
	VerdictReservations = "reservations"
	VerdictStopped      = "stopped"
)

// Verdicts lists the verdicts a usage mark may carry.
var Verdicts = []string{VerdictRecommended, VerdictReservations, VerdictStopped}

// Usage is one organisation's mark on one tool: that it uses it (since when),
// and its one-line verdict. It is owned and signed by that organisation, and
// only that organisation changes it; one mark per organisation and tool.
type Usage struct {
	Meta
	Tool    string `json:"tool"`
	Verdict string `json:"verdict"`         // recommended | reservations | stopped
	Since   string `json:"since,omitempty"` // YYYY-MM
	Note    string `json:"note,omitempty"`  // what for, and why the verdict
}

// Problems with a usage mark, worded by the front ends.
var (
	ErrBadVerdict = errors.New("the verdict is not recommended, reservations or stopped")
	ErrBadSince   = errors.New("since is not a month written YYYY-MM")
	ErrNoSuchTool = errors.New("no tool has this id")
	ErrNoteLong   = errors.New("the note is too long")
)

var sinceRe = regexp.MustCompile(`^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$`)

// MaxNote bounds a usage mark's note: one line, as people write a verdict.
const MaxNote = 500

// ValidateUsage checks a usage mark's own fields.
func ValidateUsage(u *Usage) error {
	switch {
	case !isVerdict(u.Verdict):
		return ErrBadVerdict
	case u.Since != "" && !sinceRe.MatchString(u.Since):
		return ErrBadSince
	case len([]rune(u.Note)) > MaxNote:
		return ErrNoteLong
	case u.Tool == "":
		return ErrNoSuchTool
	}
	return nil
}

func isVerdict(v string) bool {
	for _, x := range Verdicts {
		if x == v {
			return true
		}
	}
	return false
}

// MarkUsage records that this installation's organisation uses tool, with its
// verdict: the organisation's earlier mark on the tool is changed (a new
// version of the same record), else a new one is made. The privacy guard
// applies to the note, as it leaves the device.
func (s *Store) MarkUsage(ctx context.Context, tool, verdict, since, note string) (*Usage, error) {
	me, err := s.Identity()
	if err != nil {
		return nil, err
	}
	u := &Usage{Tool: tool, Verdict: verdict, Since: since, Note: strings.Join(strings.Fields(note), " ")}
	if err := ValidateUsage(u); err != nil {
		return nil, err
	}
	if err := checkShareable(u, Shared); err != nil {
		return nil, err
	}
	err = s.Tx(ctx, func(tx *Tx) error {
		if r, err := tx.Get(tool); err != nil || r.Base().Type != TypeTool || r.Base().Deleted {
			return ErrNoSuchTool
		}
		old, err := decodeAllIn(ctx, tx.tx, "SELECT body FROM records WHERE type = ? AND parent = ? AND org = ? ORDER BY updated DESC LIMIT 1",
			TypeUsage, tool, me.Org)
		if err != nil {
			return err
		}
		if len(old) == 1 {
			o := old[0].(*Usage)
			u.Meta = o.Meta
			u.Author, u.Deleted, u.Sig = me.User, false, ""
			u.Updated = later(o.Updated)
		} else {
			u.ID, u.Claim = NewRecordID(me.Org)
			u.Type, u.Org, u.Author = TypeUsage, me.Org, me.User
			u.Created = Now()
			u.Updated = u.Created
		}
		u.Lang = ""
		return tx.Put(u, PutLocal)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// ListUsage returns the whole network's usage marks, or those of one tool
// (tool != ""): the latest mark of each organisation on each tool, by tool and
// organisation.
func (s *Store) ListUsage(ctx context.Context, tool string) ([]*Usage, error) {
	q, args := "SELECT body FROM records WHERE type = ? AND deleted = 0", []any{TypeUsage}
	if tool != "" {
		q, args = q+" AND parent = ?", append(args, tool)
	}
	recs, err := s.decodeAll(ctx, q+" ORDER BY updated", args...)
	if err != nil {
		return nil, err
	}
	latest := map[[2]string]*Usage{}
	for _, r := range recs {
		u, ok := r.(*Usage)
		if !ok {
			continue
		}
		k := [2]string{u.Tool, u.Org}
		if p := latest[k]; p == nil || !u.Updated.Before(p.Updated) {
			latest[k] = u
		}
	}
	out := make([]*Usage, 0, len(latest))
	for _, u := range latest {
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Tool != out[j].Tool {
			return out[i].Tool < out[j].Tool
		}
		return out[i].Org < out[j].Org
	})
	return out, nil
}
