package app

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"vademecum/data"
)

// benchStores are the stores of the journal benchmarks, one per size, made
// once per test binary (10,000 practices take a few seconds, 100,000 about a
// minute) and removed by TestMain.
var (
	benchMu     sync.Mutex
	benchStores = map[int]*data.Store{}
	benchDirs   []string
)

// journalStore is a store with the toolkit and n practices.
func journalStore(b *testing.B, n int) *data.Store {
	benchMu.Lock()
	defer benchMu.Unlock()
	if st, ok := benchStores[n]; ok {
		return st
	}
	dir, err := os.MkdirTemp("", "vademecum-bench-")
	if err != nil {
		b.Fatal(err)
	}
	benchDirs = append(benchDirs, dir)
	st, err := data.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	org := &data.Organisation{Name: "Open Group", Country: "IT", Languages: []string{"it", "en"}}
	org.ID, org.Lang = "opengroup-it", "it"
	if err := st.Init(org, "Giulia Rossi"); err != nil {
		st.Close()
		b.Fatal(err)
	}
	if err := fillJournal(st, n); err != nil {
		st.Close()
		b.Fatal(err)
	}
	benchStores[n] = st
	return st
}

// fillJournal writes n practices in one transaction, as an import would.
func fillJournal(st *data.Store, n int) error {
	countries := []string{"IT", "ES", "PL", "CZ", "BE"}
	langs := []string{"it", "es", "pl", "cs", "fr"}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	return st.Tx(context.Background(), func(tx *data.Tx) error {
		for i := range n {
			p := &data.Practice{
				Title:      fmt.Sprintf("Practice %05d: drop-in digital help desk", i),
				Summary:    "People bring their phones and papers; volunteers help with forms and appointments.",
				Context:    "Many guests cannot book appointments online.",
				Country:    countries[i%5],
				Visibility: data.Shared,
				Tags:       []string{"help desk", "forms"},
				Tools:      []string{"signal"},
			}
			p.ID, p.Type, p.Org, p.Author, p.Lang = data.NewID(), data.TypePractice, "opengroup-it", "Giulia Rossi", langs[i%5]
			p.Created = start.Add(time.Duration(i) * time.Hour)
			p.Updated = p.Created
			if err := tx.Put(p, data.PutLocal); err != nil {
				return err
			}
		}
		return nil
	})
}

func TestMain(m *testing.M) {
	// The autosave timer runs on its own goroutine; tests that type and then
	// count what was stored would race it on a busy machine. Tests of the
	// autosave itself turn it on (fastAutosave).
	autosaveEvery = time.Hour
	code := m.Run()
	for _, st := range benchStores {
		st.Close()
	}
	for _, dir := range benchDirs {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// BenchmarkJournal10k builds the journal screen over 10,000 practices and
// scrolls its list a window-height at a time: 100 windows from the top, 100
// from the middle, 100 up to the last practice (each stretch reads pages of the
// journal not read before).
func BenchmarkJournal10k(b *testing.B) { benchmarkJournal(b, 10000) }

// BenchmarkJournal100k is BenchmarkJournal10k over 100,000 practices, the
// size of the hub of make bench.
func BenchmarkJournal100k(b *testing.B) { benchmarkJournal(b, 100000) }

func benchmarkJournal(b *testing.B, n int) {
	st := journalStore(b, n)
	a := test.NewTempApp(b)
	u := New(a, Options{Store: st})
	u.Wait()
	defer u.Close()
	var screens int
	var open, scroll time.Duration
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		s := newJournalScreen(u)
		w := test.NewTempWindow(b, s.content)
		w.Resize(fyne.NewSize(1100, 720))
		u.Wait()
		open += time.Since(t0)
		if s.model.len() != n {
			b.Fatalf("journal has %d practices, want %d", s.model.len(), n)
		}
		step := s.list.Size().Height
		rowH := s.list.CreateItem().MinSize().Height + 4 // theme padding between rows
		end := float32(n)*rowH - step
		t1 := time.Now()
		for _, from := range []float32{0, end / 2, max(0, end-100*step)} {
			for i := 0; i < 100 && from+float32(i)*step < end; i++ {
				s.list.ScrollToOffset(from + float32(i)*step)
				screens++
			}
		}
		s.list.ScrollToBottom()
		scroll += time.Since(t1)
		// The last practice is on screen.
		last := s.model.total - 1
		if sm, ok := s.model.get(last); !ok || sm.Title != "Practice 00000: drop-in digital help desk" {
			b.Fatalf("last practice %q", sm.Title)
		}
		if visibleRows(s.list) == 0 {
			b.Fatal("no row on screen")
		}
	}
	b.ReportMetric(float64(open.Microseconds())/float64(b.N)/1000, "ms-to-first-page")
	b.ReportMetric(float64(screens)/float64(b.N), "screens/op")
	b.ReportMetric(float64(scroll.Microseconds())/float64(screens)/1000, "ms/screen")
}

// visibleRows counts the list rows laid out on screen.
func visibleRows(l *widget.List) int {
	n := 0
	for _, o := range test.LaidOutObjects(l) {
		if _, ok := o.(*widget.Label); ok && o.Visible() {
			n++
		}
	}
	return n / 2
}

// The journal read page by page, scrolling down from the top and up from a
// jump to the end, lists the practices in the order of the whole journal.
func TestJournalPagesInOrder(t *testing.T) {
	st := newTestStore(t)
	if err := fillJournal(st, 3*journalPage+17); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	all, err := st.ListPractices(ctx, data.PracticeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	down, err := loadJournal(ctx, st, data.PracticeFilter{}, "", "en")
	if err != nil {
		t.Fatal(err)
	}
	up, err := loadJournal(ctx, st, data.PracticeFilter{}, "", "en")
	if err != nil {
		t.Fatal(err)
	}
	if down.len() != len(all) {
		t.Fatalf("journal of %d practices, the store lists %d", down.len(), len(all))
	}
	for i := range all {
		if sm, ok := down.get(i); !ok || sm.ID != all[i].ID {
			t.Fatalf("scrolling down, practice %d is %q, want %q", i, sm.ID, all[i].ID)
		}
	}
	for i := len(all) - 1; i >= 0; i-- {
		if sm, ok := up.get(i); !ok || sm.ID != all[i].ID {
			t.Fatalf("scrolling up from the end, practice %d is %q, want %q", i, sm.ID, all[i].ID)
		}
	}
}
