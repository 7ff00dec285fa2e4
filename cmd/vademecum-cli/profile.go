package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"time"
)

// startProfiles starts the profiles the environment asks for, for performance
// work, and returns what writes them once the command is done:
//
//   - VADEMECUM_CPUPROFILE=FILE: the CPU profile of the command.
//   - VADEMECUM_MEMPROFILE=FILE: every allocation the command made (pprof's
//     allocs profile, written at the end).
//   - VADEMECUM_HEAPPROFILE=FILE: what the heap held when it was largest
//     (pprof's heap profile, as of the collection that found the largest live
//     heap), for the peak memory of a long command such as a first sync.
func startProfiles() (stop func()) {
	var stops []func()
	if f := os.Getenv("VADEMECUM_CPUPROFILE"); f != "" {
		if out, err := os.Create(f); err == nil && pprof.StartCPUProfile(out) == nil {
			stops = append(stops, func() { pprof.StopCPUProfile(); out.Close() })
		}
	}
	if f := os.Getenv("VADEMECUM_MEMPROFILE"); f != "" {
		runtime.MemProfileRate = 64 << 10
		stops = append(stops, func() { writeProfile(allocsProfile, f) })
	}
	if f := os.Getenv("VADEMECUM_HEAPPROFILE"); f != "" {
		runtime.MemProfileRate = 64 << 10
		done := make(chan struct{})
		finished := make(chan struct{})
		go func() {
			defer close(finished)
			sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
			var peak uint64
			var top memoryAt // when the process's resident memory was largest
			t := time.NewTicker(20 * time.Millisecond)
			defer t.Stop()
			for {
				metrics.Read(sample)
				// A new peak is written when the live heap grew by a tenth
				// since the last one written: close enough to the top,
				// without writing a profile at every collection.
				live := sample[0].Value.Uint64()
				if live > peak+peak/10 {
					peak = live
					writeProfile(heapProfile, f)
				}
				if rss := residentBytes(); rss > top.rss {
					top = memoryAt{rss, sample[1].Value.Uint64() - sample[2].Value.Uint64(), live}
				}
				select {
				case <-done:
					// Beside the profile: how much of the largest resident
					// memory was Go's (what its runtime holds, less what it
					// gave back to the system; the rest is SQLite's, outside
					// Go's heap).
					os.WriteFile(f+".txt", []byte(fmt.Sprintf(memoryNote,
						top.rss>>20, top.goTotal>>20, top.live>>20, (top.rss-min(top.rss, top.goTotal))>>20)), 0o644)
					return
				case <-t.C:
				}
			}
		}()
		stops = append(stops, func() { close(done); <-finished })
	}
	return func() {
		for _, s := range stops {
			s()
		}
	}
}

// What the profiles are and say: for the people doing performance work,
// in English, as pprof's own output is.
const (
	allocsProfile = "allocs" // pprof's profile names
	heapProfile   = "heap"
	memoryNote    = "peak resident %d MB: Go runtime %d MB (live heap %d MB), other %d MB\n"
)

// writeProfile writes the named pprof profile to file, replacing it whole.
func writeProfile(name, file string) {
	tmp := file + ".tmp"
	out, err := os.Create(tmp)
	if err != nil {
		return
	}
	err = pprof.Lookup(name).WriteTo(out, 0)
	if cerr := out.Close(); err == nil && cerr == nil {
		os.Rename(tmp, file)
	}
}

type memoryAt struct{ rss, goTotal, live uint64 }

// residentBytes is this process's resident memory now (Linux; 0 elsewhere).
func residentBytes() uint64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	var size, resident uint64
	fmt.Sscan(string(b), &size, &resident)
	return resident * uint64(os.Getpagesize())
}
