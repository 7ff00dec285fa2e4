package export

import (
	"context"
	"io"
	"maps"
	"slices"

	"vademecum/data"
)

// WriteJSON writes the toolkit's tools (retired ones included) and guides (and, with o.Practices, the
// shared practices and their shared comments) as one array of records in the
// hub's canonical JSON: every language variant, sorted keys, the same bytes for
// the same content. o.Lang does not apply.
func WriteJSON(ctx context.Context, s *data.Store, w io.Writer, o Options) error {
	o.Lang = "" // records carry every language
	c, err := loadContent(ctx, s, o)
	if err != nil {
		return err
	}
	pr := &progress{fn: o.Progress, total: c.items() + 1}
	recs := []data.Record{}
	for _, sec := range c.sections {
		for _, t := range sec.Tools {
			recs = append(recs, t)
			pr.step()
		}
	}
	// Retired tools stay in the data (marked retired): practices still name them.
	retired := slices.Sorted(maps.Keys(c.retired))
	for _, id := range retired {
		recs = append(recs, c.retired[id])
	}
	for _, g := range c.guides {
		recs = append(recs, g)
		pr.step()
	}
	for _, p := range c.practices {
		recs = append(recs, p)
		for _, cm := range c.comments[p.ID] {
			recs = append(recs, cm)
		}
		pr.step()
	}
	b, err := data.Canonical(recs)
	if err != nil {
		return err
	}
	if _, err := w.Write(b); err != nil {
		return err
	}
	pr.finish()
	return nil
}
