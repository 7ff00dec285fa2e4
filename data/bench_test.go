package data_test

import (
	"context"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"vademecum/data"
	"vademecum/data/datagen"
)

// benchSize is the journal size for search benchmarks; VADEMECUM_BENCH_N overrides it.
func benchSize() int {
	if n, err := strconv.Atoi(os.Getenv("VADEMECUM_BENCH_N")); err == nil && n > 0 {
		return n
	}
	return 10000
}

var benchStores = map[int]*data.Store{}

func journal(b *testing.B, n int) *data.Store {
	if s, ok := benchStores[n]; ok {
		return s
	}
	s, err := data.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := datagen.Fill(s, datagen.New(1), n); err != nil {
		b.Fatal(err)
	}
	b.Logf("filled %d practices in %v (%.0f records/s)", n, time.Since(start), float64(n)/time.Since(start).Seconds())
	benchStores[n] = s
	return s
}

func BenchmarkSearch(b *testing.B) {
	n := benchSize()
	s := journal(b, n)
	for _, words := range []int{1, 2, 3} {
		b.Run(strconv.Itoa(words)+"words", func(b *testing.B) {
			qs := datagen.New(7).Queries(200, words)
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t := time.Now()
				if _, err := s.Search(context.Background(), data.Query{Text: qs[i%len(qs)], Limit: 20}); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t))
			}
			b.StopTimer()
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		})
	}
}

func BenchmarkJournalFirstPage(b *testing.B) {
	s := journal(b, benchSize())
	for i := 0; i < b.N; i++ {
		if _, err := s.ListPractices(context.Background(), data.PracticeFilter{Limit: 50}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkImport(b *testing.B) {
	for i := 0; i < b.N; i++ {
		s, err := data.Open(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		if err := datagen.Fill(s, datagen.New(uint64(i)), 5000); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
	b.ReportMetric(float64(5000*b.N)/b.Elapsed().Seconds(), "practices/s")
}
