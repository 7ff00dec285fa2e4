package app

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"vademecum/data"
)

// Shown closes once the toolkit lists its tools, or once the first-start form
// is up on a new installation.
func TestShownAfterTheFirstScreen(t *testing.T) {
	st := newTestStore(t)
	u := newTestUI(t, st, nil)
	u.Wait() // the toolkit's first page comes back from a goroutine
	select {
	case <-u.Shown():
	case <-time.After(30 * time.Second):
		t.Fatal("the toolkit never said it was shown")
	}
	u.uiMu.Lock()
	n := len(u.toolkit.items)
	u.uiMu.Unlock()
	if n == 0 {
		t.Error("shown before the toolkit listed its tools")
	}

	fresh, err := data.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	a := test.NewTempApp(t)
	f := New(a, Options{Store: fresh})
	defer f.Close()
	select {
	case <-f.Shown():
	case <-time.After(30 * time.Second):
		t.Fatal("the first-start form never said it was shown")
	}
	if f.first == nil {
		t.Error("shown, but not on the first-start form")
	}
}
