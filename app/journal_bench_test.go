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

var (
	benchOnce  sync.Once
	benchDir   string
	benchStore *data.Store
	benchErr   error
)

// journalStore10k is a store with the toolkit and 10,000 practices, made once
// per test binary (it takes a few seconds) and removed by TestMain.
func journalStore10k(b *testing.B) *data.Store {
	benchOnce.Do(func() {
		benchDir, benchErr = os.MkdirTemp("", "vademecum-bench-")
		if benchErr != nil {
			return
		}
		benchStore, benchErr = data.Open(benchDir)
		if benchErr != nil {
			return
		}
		org := &data.Organisation{Name: "Open Group", Country: "IT", Languages: []string{"it", "en"}}
		org.ID, org.Lang = "opengroup-it", "it"
		if benchErr = benchStore.Init(org, "Giulia Rossi"); benchErr != nil {
			return
		}
		benchErr = fillJournal(benchStore, 10000)
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchStore
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
	if benchStore != nil {
		benchStore.Close()
	}
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// BenchmarkJournal10k builds the journal screen over 10,000 practices and
// scrolls its list from the first practice to the last, a window-height at a time.
func BenchmarkJournal10k(b *testing.B) {
	st := journalStore10k(b)
	a := test.NewTempApp(b)
	u := New(a, Options{Store: st})
	u.Wait()
	defer u.Close()
	var screens int
	var open time.Duration
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		s := newJournalScreen(u)
		w := test.NewTempWindow(b, s.content)
		w.Resize(fyne.NewSize(1100, 720))
		u.Wait()
		open += time.Since(t0)
		if s.model.len() != 10000 {
			b.Fatalf("journal has %d practices", s.model.len())
		}
		step := s.list.Size().Height
		rowH := s.list.CreateItem().MinSize().Height + 4 // theme padding between rows
		end := float32(10000) * rowH
		for off := float32(0); off < end; off += step {
			s.list.ScrollToOffset(off)
			screens++
		}
		s.list.ScrollToBottom()
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
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(screens)/1000, "ms/screen")
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
