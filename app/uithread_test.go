package app

import (
	"bytes"
	"runtime"
	"strconv"
	"sync/atomic"
)

// The tests' UI goroutine. Fyne's test driver runs fyne.Do's function on the
// goroutine that calls it, so a privacy scan or a draft write coming back from
// its goroutine would change the widgets while the test types into them (a
// crash in CI, one run in many). Here, as under the real driver, one goroutine
// runs them all: the goroutine that made the UI (the test's), when it waits
// (UI.Wait, waitFor, pumpUI). Its own calls run at once, as a real driver's
// calls from its main goroutine do.

// uiQueue holds what other goroutines asked the UI goroutine to run.
var uiQueue = make(chan func(), 4096)

// uiOwner is the goroutine id of the tests' UI goroutine.
var uiOwner atomic.Uint64

func init() {
	uiThread.do = func(f func(), wait bool) {
		if goroutineID() == uiOwner.Load() {
			f()
			return
		}
		if !wait {
			uiQueue <- f
			return
		}
		ran := make(chan struct{})
		uiQueue <- func() {
			defer close(ran)
			f()
		}
		<-ran
	}
	uiThread.wait = func(done <-chan struct{}) {
		for {
			select {
			case f := <-uiQueue:
				f()
			case <-done:
				pumpUI()
				return
			}
		}
	}
	uiThread.claim = func() { uiOwner.Store(goroutineID()) }
}

// pumpUI runs what waits for the UI goroutine, on the calling goroutine (the
// test's), and returns when nothing is left.
func pumpUI() {
	uiOwner.Store(goroutineID())
	for {
		select {
		case f := <-uiQueue:
			f()
		default:
			return
		}
	}
}

func goroutineID() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, _ := strconv.ParseUint(string(b), 10, 64)
	return id
}
