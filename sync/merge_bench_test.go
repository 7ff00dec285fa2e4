package sync

import (
	"testing"
	"time"

	"vademecum/data"
	"vademecum/data/datagen"
)

// BenchmarkMergeRecord merges two edits of one practice against their base: a
// field each, and one field both changed (a conflict), as a sync round does for
// every record edited on both sides.
func BenchmarkMergeRecord(b *testing.B) {
	p := datagen.New(1).Practice()
	enc := func(f func(*data.Practice)) []byte {
		c := *p
		f(&c)
		out, err := data.Encode(&c)
		if err != nil {
			b.Fatal(err)
		}
		return out
	}
	base := enc(func(*data.Practice) {})
	mine := enc(func(c *data.Practice) {
		c.Summary, c.Results, c.Updated = "Edited here", "Both changed: mine", c.Updated.Add(time.Hour)
	})
	theirs := enc(func(c *data.Practice) {
		c.Lessons, c.Results, c.Updated = "Edited there", "Both changed: theirs", c.Updated.Add(2*time.Hour)
	})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, cs := mergeRecord(base, mine, theirs); len(cs) != 1 {
			b.Fatalf("%d conflicts, want 1", len(cs))
		}
	}
}
