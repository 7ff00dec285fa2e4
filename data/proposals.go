package data

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"vademecum/data/privacy"
)

// metaFields are the record fields a proposed entry's JSON may carry but
// that the proposal does not take from it (the entry's identity and
// bookkeeping are the toolkit's).
var metaFields = map[string]bool{"type": true, "org": true, "author": true, "created": true, "updated": true, "lang": true,
	"deleted": true, "version": true, "prev": true, "claim": true, "settled": true, "sig": true, "network": true}

// proposalTexts are the texts of each kind that must exist in English and in
// the proposer's language.
var proposalTexts = map[string][]string{KindTool: {"name", "summary"}, KindGuide: {"title", "steps"}}

// Propose makes a proposal of this installation's organisation from an
// entry's JSON (a tool or guide object, kind). An id of an existing entry
// proposes a change or a translation: the fields given replace the entry's,
// texts language by language. Another id proposes a new entry. lang is the
// proposer's language: the name and summary (title and steps of a guide)
// must be there in English and in it. knownCategory tells the toolkit's
// categories. Nothing is written when anything is wrong.
func (s *Store) Propose(ctx context.Context, kind string, raw []byte, lang string, knownCategory func(string) bool) (*Proposal, error) {
	me, err := s.Identity()
	if err != nil {
		return nil, err
	}
	var p *Proposal
	err = s.Tx(ctx, func(tx *Tx) error {
		var err error
		if p, _, err = prepareProposal(ctx, tx, me, kind, raw, lang, knownCategory); err != nil {
			return err
		}
		p.ID, p.Claim = NewRecordID(me.Org)
		p.Type, p.Org, p.Author, p.Lang = TypeProposal, me.Org, me.User, lang
		p.Created = Now()
		p.Updated = p.Created
		return tx.Put(p, PutLocal)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// PreviewProposal checks a proposal as Propose does, without writing it, and
// returns what it would change: the diff view of the proposal form.
func (s *Store) PreviewProposal(ctx context.Context, kind string, raw []byte, lang string, knownCategory func(string) bool) ([]Change, error) {
	me, err := s.Identity()
	if err != nil {
		return nil, err
	}
	p, cur, err := prepareProposal(ctx, s.db, me, kind, raw, lang, knownCategory)
	if err != nil {
		return nil, err
	}
	var old Record
	if cur != nil {
		old, _ = Decode(cur)
	}
	if p.Tool != nil {
		return EntryChanges(old, p.Tool), nil
	}
	return EntryChanges(old, p.Guide), nil
}

// prepareProposal reads and checks a proposal (see Propose), reading from q;
// cur is the entry it changes (nil: a new one).
func prepareProposal(ctx context.Context, q Querier, me Identity, kind string, raw []byte, lang string, knownCategory func(string) bool) (p *Proposal, cur []byte, err error) {
	var given map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&given); err != nil || given == nil || dec.More() {
		return nil, nil, &InvalidEntryError{errInvalidJSON}
	}
	if err := strictEntry(kind, raw); err != nil {
		return nil, nil, err
	}
	var id string
	if v, ok := given["id"]; ok {
		json.Unmarshal(v, &id)
	}
	if id == "" {
		return nil, nil, ErrNoTarget
	}
	if err := personalIn(given); err != nil {
		return nil, nil, err
	}
	p = &Proposal{Kind: kind, Target: id}
	base := map[string]json.RawMessage{}
	cur, err = bodyIn(q, id)
	switch {
	case errors.Is(err, ErrNotFound):
		cur = nil
		if !slugRe.MatchString(id) {
			return nil, nil, ErrBadEntryID
		}
		p.New = true
		if org, err := proposedBy(ctx, q, kind, id, me.Org); err != nil {
			return nil, nil, err
		} else if org != "" {
			return nil, nil, &IDTakenError{ID: id, Org: org}
		}
	case err != nil:
		return nil, nil, err
	default:
		if r, err := Decode(cur); err != nil || r.Base().Type != kind {
			org := ""
			if r != nil {
				org = r.Base().Org
			}
			return nil, nil, &IDTakenError{ID: id, Org: org}
		}
		json.Unmarshal(cur, &base)
	}
	merged := overlay(base, given)
	merged["id"], _ = json.Marshal(id)
	merged["type"], _ = json.Marshal(kind)
	for k := range metaFields {
		if k != "type" {
			delete(merged, k)
		}
	}
	body, err := json.Marshal(merged)
	if err != nil {
		return nil, nil, err
	}
	entry, err := decodeEntry(kind, body)
	if err != nil {
		return nil, nil, err
	}
	if err := checkEntry(entry, lang, knownCategory); err != nil {
		return nil, nil, err
	}
	if !p.New && sameEntry(cur, entry) {
		return nil, nil, ErrNoChange
	}
	switch e := entry.(type) {
	case *Tool:
		p.Tool = e
	case *Guide:
		p.Guide = e
	}
	return p, cur, nil
}

// bodyIn is the stored body of id, or ErrNotFound.
func bodyIn(q Querier, id string) ([]byte, error) {
	var b string
	err := q.QueryRow("SELECT body FROM records WHERE id = ?", id).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return []byte(b), err
}

var errInvalidJSON = errors.New("not a JSON object")

// strictEntry refuses fields that no tool (guide) has.
func strictEntry(kind string, raw []byte) error {
	var v any = &Tool{}
	if kind == KindGuide {
		v = &Guide{}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &InvalidEntryError{err}
	}
	return nil
}

// overlay lays the given fields over base: a text (an object of languages)
// language by language, anything else whole.
func overlay(base, given map[string]json.RawMessage) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range given {
		var bo, gv map[string]json.RawMessage
		if json.Unmarshal(base[k], &bo) == nil && bo != nil && json.Unmarshal(v, &gv) == nil && gv != nil {
			for l, t := range gv {
				bo[l] = t
			}
			out[k], _ = json.Marshal(bo)
			continue
		}
		out[k] = v
	}
	return out
}

func decodeEntry(kind string, body []byte) (Record, error) {
	r := New(kind)
	if err := json.Unmarshal(body, r); err != nil {
		return nil, &InvalidEntryError{err}
	}
	m := r.Base()
	m.Org = ToolkitOrg
	return r, nil
}

// checkEntry checks a proposed entry: its content, its category and
// competences, and its texts in English and the proposer's language.
func checkEntry(r Record, lang string, knownCategory func(string) bool) error {
	var comps []string
	texts := map[string]Text{}
	switch e := r.(type) {
	case *Tool:
		if e.Category != "" && knownCategory != nil && !knownCategory(e.Category) {
			return fmt.Errorf("%w %q", ErrUnknownCategory, e.Category)
		}
		comps, texts["name"], texts["summary"] = e.Competences, e.Name, e.Summary
	case *Guide:
		comps, texts["title"], texts["steps"] = e.Competences, e.Title, e.Steps
	}
	for _, c := range comps {
		if !IsCompetence(c) {
			return fmt.Errorf("%w %q", ErrUnknownCompetence, c)
		}
	}
	for _, f := range proposalTexts[r.Base().Type] {
		for _, l := range []string{"en", lang} {
			if strings.TrimSpace(texts[f][l]) == "" {
				return &MissingTextError{Field: f, Lang: l}
			}
		}
	}
	var err error
	switch e := r.(type) {
	case *Tool:
		err = ValidateTool(e)
	case *Guide:
		err = ValidateGuide(e)
	}
	if err != nil {
		return &InvalidEntryError{err}
	}
	return nil
}

// personalIn runs the privacy guard over every text the proposer gave.
func personalIn(given map[string]json.RawMessage) error {
	keys := make([]string, 0, len(given))
	for k := range given {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == "id" || k == "website" {
			continue
		}
		var texts []string
		var one string
		var many map[string]string
		var list []string
		switch {
		case json.Unmarshal(given[k], &one) == nil:
			texts = []string{one}
		case json.Unmarshal(given[k], &many) == nil:
			for _, l := range sortedKeys(many) {
				texts = append(texts, many[l])
			}
		case json.Unmarshal(given[k], &list) == nil:
			texts = list
		}
		for _, t := range texts {
			if f := privacy.Unhandled(t, nil); len(f) > 0 {
				return &PersonalDataError{Field: k, Kind: f[0].Kind, Text: f[0].Text}
			}
		}
	}
	return nil
}

// sameEntry reports whether a proposed entry is what the toolkit holds.
func sameEntry(cur []byte, r Record) bool {
	old, err := Decode(cur)
	if err != nil {
		return false
	}
	a, _ := entryBody(old)
	b, _ := entryBody(r)
	return a != nil && bytes.Equal(a, b)
}

// entryBody is an entry's content without its bookkeeping, canonical.
func entryBody(r Record) ([]byte, error) {
	var m map[string]json.RawMessage
	b, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	json.Unmarshal(b, &m)
	for k := range metaFields {
		delete(m, k)
	}
	return Canonical(m)
}

// proposedBy is the organisation (other than mine) whose proposal, not
// rejected, already names the new entry id, or "".
func proposedBy(ctx context.Context, q Querier, kind, id, mine string) (string, error) {
	views, err := proposalsIn(ctx, q)
	if err != nil {
		return "", err
	}
	for _, v := range views {
		if v.Kind == kind && v.Target == id && v.New && v.Org != mine && v.Status != Rejected {
			return v.Org, nil
		}
	}
	return "", nil
}

// ProposalView is a proposal with its status: open, or the verdict of the
// latest review by an organisation that was an editor when it signed it.
type ProposalView struct {
	*Proposal
	Status string  `json:"status"`
	Review *Review `json:"review,omitempty"`
}

func proposalsIn(ctx context.Context, q Querier) ([]ProposalView, error) {
	recs, err := decodeAllIn(ctx, q, "SELECT body FROM records WHERE type IN (?, ?) AND deleted = 0 ORDER BY created", TypeProposal, TypeReview)
	if err != nil {
		return nil, err
	}
	reviews, err := validReviews(ctx, q, recs)
	if err != nil {
		return nil, err
	}
	var out []ProposalView
	for _, r := range recs {
		p, ok := r.(*Proposal)
		if !ok {
			continue
		}
		v := ProposalView{Proposal: p, Status: StatusOpen}
		if rv := reviews[p.ID]; rv != nil {
			v.Status, v.Review = rv.Verdict, rv
		}
		out = append(out, v)
	}
	return out, nil
}

// validReviews is the latest review of each proposal among recs that an
// editor signed (by the editor list at its signing time).
func validReviews(ctx context.Context, q Querier, recs []Record) (map[string]*Review, error) {
	log, err := editorLogIn(ctx, q)
	if err != nil {
		return nil, err
	}
	out := map[string]*Review{}
	for _, r := range recs {
		rv, ok := r.(*Review)
		if !ok || checkReview(rv) != nil || !isEditor(log.at(rv.Updated), rv.Org) {
			continue
		}
		if p := out[rv.Proposal]; p == nil || rv.Updated.After(p.Updated) {
			out[rv.Proposal] = rv
		}
	}
	return out, nil
}

// Proposals lists the proposals held here, oldest first; status ("" for all)
// narrows them to open, accepted or rejected ones.
func (s *Store) Proposals(ctx context.Context, status string) ([]ProposalView, error) {
	all, err := proposalsIn(ctx, s.db)
	if err != nil || status == "" {
		return all, err
	}
	var out []ProposalView
	for _, v := range all {
		if v.Status == status {
			out = append(out, v)
		}
	}
	return out, nil
}

// GetProposal returns one proposal with its status, or ErrNoProposal.
func (s *Store) GetProposal(ctx context.Context, id string) (ProposalView, error) {
	all, err := proposalsIn(ctx, s.db)
	if err != nil {
		return ProposalView{}, err
	}
	for _, v := range all {
		if v.ID == id {
			return v, nil
		}
	}
	return ProposalView{}, ErrNoProposal
}

// ReviewProposal accepts or rejects a proposal as this installation's
// organisation, which must be an editor; a rejection needs a reason. An
// accepted entry joins the toolkit here at once (ApplyNetwork) and
// everywhere else at the next sync.
func (s *Store) ReviewProposal(ctx context.Context, id string, accept bool, reason string) (*Review, error) {
	me, err := s.Identity()
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if !accept && reason == "" {
		return nil, ErrReasonRequired
	}
	if f := privacy.Unhandled(reason, nil); len(f) > 0 {
		return nil, &PersonalDataError{Field: "reason", Kind: f[0].Kind, Text: f[0].Text}
	}
	var rv *Review
	err = s.Tx(ctx, func(tx *Tx) error {
		log, err := editorLogIn(ctx, tx)
		if err != nil {
			return err
		}
		if !isEditor(log.at(farFuture), me.Org) {
			return ErrNotEditor
		}
		views, err := proposalsIn(ctx, tx)
		if err != nil {
			return err
		}
		var p *ProposalView
		for i := range views {
			if views[i].ID == id {
				p = &views[i]
			}
		}
		switch {
		case p == nil:
			return ErrNoProposal
		case p.Status != StatusOpen:
			return ErrAlreadyReviewed
		}
		rv = &Review{Proposal: p.ID, Proposer: p.Org, Verdict: Rejected, Reason: reason, Kind: p.Kind, Target: p.Target}
		if accept {
			rv.Verdict, rv.Tool, rv.Guide = Accepted, p.Tool, p.Guide
		}
		rv.ID, rv.Claim = NewRecordID(me.Org)
		rv.Type, rv.Org, rv.Author = TypeReview, me.Org, me.User
		rv.Created = Now()
		rv.Updated = rv.Created
		return tx.Put(rv, PutLocal)
	})
	if err != nil {
		return nil, err
	}
	return rv, s.ApplyNetwork(ctx)
}

// Change is one field (one language of a text: "summary.cs") that a proposal
// changes, with the value before ("" for a new one) and after.
type Change struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// EntryChanges lists what entry changes compared with cur (nil: a new
// entry), field by field, in field order: the diff view of a proposal.
func EntryChanges(cur, entry Record) []Change {
	flat := func(r Record) map[string]string {
		out := map[string]string{}
		if r == nil {
			return out
		}
		var m map[string]json.RawMessage
		b, _ := json.Marshal(r)
		json.Unmarshal(b, &m)
		for k, v := range m {
			if metaFields[k] || k == "id" {
				continue
			}
			var text map[string]string
			var list []string
			var s string
			var b bool
			switch {
			case json.Unmarshal(v, &b) == nil:
				if b {
					out[k] = "true"
				}
			case json.Unmarshal(v, &text) == nil && text != nil:
				for l, t := range text {
					out[k+"."+l] = t
				}
			case json.Unmarshal(v, &list) == nil:
				out[k] = strings.Join(list, ", ")
			case json.Unmarshal(v, &s) == nil:
				out[k] = s
			default:
				out[k] = string(v)
			}
		}
		return out
	}
	a, b := flat(cur), flat(entry)
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	var out []Change
	for _, k := range sortedKeys(keys) {
		if a[k] != b[k] {
			out = append(out, Change{Field: k, Old: a[k], New: b[k]})
		}
	}
	return out
}
