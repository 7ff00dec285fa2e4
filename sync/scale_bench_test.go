package sync_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"vademecum/data"
	vsync "vademecum/sync"
	"vademecum/sync/hubgen"
)

// scaleHubSize is the practices in the benchmarks' hub (about a third more
// records with the comments); VADEMECUM_BENCH_HUB overrides it.
func scaleHubSize() int {
	if n, err := strconv.Atoi(os.Getenv("VADEMECUM_BENCH_HUB")); err == nil && n > 0 {
		return n
	}
	return 2000
}

// scaleHub is a bare hub of n signed practices, sealed with their key branch.
func scaleHub(b *testing.B, n int) string {
	work := b.TempDir()
	dir := filepath.Join(work, "hub.git")
	if err := hubgen.Build(filepath.Join(work, "gen"), dir, n, uint64(n), true); err != nil {
		b.Fatal(err)
	}
	return dir
}

// installation is a new data directory wired as the CLI wires it (signing,
// verification) with the hub as its remote.
func installation(tb testing.TB, org, hub string, auth vsync.Auth, logf func(string, ...any)) (*data.Store, *vsync.Engine) {
	st, err := data.Open(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	o := &data.Organisation{Meta: data.Meta{ID: org, Lang: "en"}, Name: org, Country: "IT", Languages: []string{"en"}}
	if err := st.Init(o, "Staff of "+org); err != nil {
		tb.Fatal(err)
	}
	eng, closeEng, err := vsync.OpenTrusted(st, logf)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(closeEng)
	if err := eng.AddRemote("hub", hub, auth); err != nil {
		tb.Fatal(err)
	}
	return st, eng
}

// BenchmarkFirstSync is a new installation's first sync of a whole hub (fetch,
// merge, verification and import of every record), in records per second
// (DESIGN.md budget: 10,000).
func BenchmarkFirstSync(b *testing.B) {
	hub := scaleHub(b, scaleHubSize())
	var received int
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		_, eng := installation(b, fmt.Sprintf("reader-%d", i), hub, vsync.Auth{}, nil)
		b.StartTimer()
		res, err := eng.Sync(context.Background(), "", nil)
		if err != nil {
			b.Fatal(err)
		}
		if res.Quarantined > 0 {
			b.Fatalf("%d files of the hub were set aside, not imported", res.Quarantined)
		}
		received += res.Received
	}
	b.ReportMetric(float64(received)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkOneNoteSync is the round that sends one new practice to a hub the
// installation holds whole: its cost should not grow with the hub (DESIGN.md,
// invariant 3). Compare VADEMECUM_BENCH_HUB=1000 with a larger hub. It
// reports the bytes of the pushes: the records' (sent-B/op) and the key
// file's (key-B/op, a delta against the hub's key file).
func BenchmarkOneNoteSync(b *testing.B) {
	hub := scaleHub(b, scaleHubSize())
	var keyBytes, sentBytes atomic.Int64
	st, eng := installation(b, "writer", hub, vsync.Auth{}, func(format string, args ...any) {
		switch {
		case strings.HasPrefix(format, "sent the keys of %d records (%d bytes)"):
			keyBytes.Add(int64(args[1].(int)))
		case strings.HasPrefix(format, "sent %d records (%d bytes)"):
			sentBytes.Add(int64(args[1].(int)))
		}
	})
	ctx := context.Background()
	res, err := eng.Sync(ctx, "", nil)
	if err != nil {
		b.Fatal(err)
	}
	if res.Quarantined > 0 {
		b.Fatalf("%d files of the hub were set aside, not imported", res.Quarantined)
	}
	keyBytes.Store(0)
	sentBytes.Store(0)
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		p := &data.Practice{Meta: data.Meta{Lang: "en"}, Title: fmt.Sprintf("Night desk %d", i),
			Summary: "Every Tuesday evening we help guests recover their digital identity.", Visibility: data.Shared, Country: "IT"}
		if err := st.SavePractice(ctx, p); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := eng.Sync(ctx, "", nil)
		if err != nil {
			b.Fatal(err)
		}
		if res.Sent != 1 {
			b.Fatalf("sent %d records", res.Sent)
		}
	}
	b.ReportMetric(float64(sentBytes.Load())/float64(b.N), "sent-B/op")
	b.ReportMetric(float64(keyBytes.Load())/float64(b.N), "key-B/op")
}
