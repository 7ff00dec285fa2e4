package selfcheck

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"vademecum/assets"
	"vademecum/data"
)

// SummaryKind marks an anonymous summary file.
const SummaryKind = "vademecum-selfcheck-summary"

// Summary is what a person may hand to a coordinator: for each competence, how
// many people are at each level group. It holds no name, no organisation, no
// answer and no date finer than the month, and summaries from several people
// add up (Add) into one for a team.
type Summary struct {
	Kind        string       `json:"kind"`
	Version     int          `json:"version"`
	Month       string       `json:"month"` // YYYY-MM of the newest self-check counted
	People      int          `json:"people"`
	Competences []SummaryRow `json:"competences"`
}

// SummaryRow counts people per level group for one competence.
type SummaryRow struct {
	Code         string `json:"code"`
	Foundation   int    `json:"foundation"`
	Intermediate int    `json:"intermediate"`
	Advanced     int    `json:"advanced"`
}

// ErrNothingToSummarise: no self-check has been finished on this computer.
var ErrNothingToSummarise = errors.New("no self-check has been finished on this computer yet")

// NewSummary counts one person: the levels of their self-check finished at when.
func NewSummary(kit *assets.Kit, levels map[string]int, when time.Time) Summary {
	s := Summary{Kind: SummaryKind, Version: 1, Month: when.UTC().Format("2006-01"), People: 1}
	for _, c := range kit.DigComp.Competences {
		row := SummaryRow{Code: c.Code}
		if l, ok := levels[c.Code]; ok {
			switch Group(l) {
			case Foundation:
				row.Foundation = 1
			case Intermediate:
				row.Intermediate = 1
			default:
				row.Advanced = 1
			}
		}
		s.Competences = append(s.Competences, row)
	}
	return s
}

// Add counts the people of o in s too.
func (s *Summary) Add(o Summary) {
	s.People += o.People
	if o.Month > s.Month {
		s.Month = o.Month
	}
	at := map[string]int{}
	for i, r := range s.Competences {
		at[r.Code] = i
	}
	for _, r := range o.Competences {
		i, ok := at[r.Code]
		if !ok {
			s.Competences = append(s.Competences, SummaryRow{Code: r.Code})
			i = len(s.Competences) - 1
			at[r.Code] = i
		}
		s.Competences[i].Foundation += r.Foundation
		s.Competences[i].Intermediate += r.Intermediate
		s.Competences[i].Advanced += r.Advanced
	}
}

// ParseSummary reads a summary file, refusing anything else (in particular
// anything with more fields than a summary has).
func ParseSummary(b []byte) (Summary, error) {
	var s Summary
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return s, fmt.Errorf("not an anonymous self-check summary: %w", err)
	}
	if s.Kind != SummaryKind || s.Version != 1 || s.People < 1 {
		return s, fmt.Errorf("not an anonymous self-check summary (kind %q, version %d)", s.Kind, s.Version)
	}
	for _, r := range s.Competences {
		if r.Foundation < 0 || r.Intermediate < 0 || r.Advanced < 0 || r.Foundation+r.Intermediate+r.Advanced > s.People {
			return s, fmt.Errorf("the summary's counts for %s do not add up", r.Code)
		}
	}
	return s, nil
}

// Encode writes the summary as indented JSON.
func (s Summary) Encode() []byte {
	b, _ := json.MarshalIndent(s, "", "  ")
	return append(b, '\n')
}

// Latest is the summary of the newest self-check finished on this computer.
func Latest(ctx context.Context, s *data.Store, kit *assets.Kit) (Summary, error) {
	h, err := s.SelfCheckHistory(ctx)
	if err != nil {
		return Summary{}, err
	}
	if len(h) == 0 {
		return Summary{}, ErrNothingToSummarise
	}
	last := h[len(h)-1]
	return NewSummary(kit, last.Levels, last.Finished), nil
}
