package app

import (
	"context"
	"encoding/json"
	"maps"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"

	"vademecum/data"
)

// Texts being typed that are not records yet live in the store's settings, so
// that they survive a reload of the journal, a sync, a screen change and a kill:
// comments being written (one per practice), and changes to a practice that only
// Save may apply (a practice already shared or for the organisation, or a new one
// without a title yet).
const (
	commentDraftKey = "draft.comment." // + practice id
	editDraftKey    = "draft.edit."    // + practice id, or newPracticeDraft
	newPracticeKey  = "new"
)

// commentSaveDelay is how long a comment being written waits after the last key
// before it is written to the store: a crash loses at most this much typing.
const commentSaveDelay = time.Second

// drafts keeps the comments being written, by practice, and writes them to the
// store a moment after the last key (at once when the window closes).
type drafts struct {
	u       *UI
	text    map[string]string // practice id → comment being written
	unsaved map[string]string // what is not in the store yet
	timer   *time.Timer

	// Writes run off the UI goroutine; each writes the newest text, so that a
	// slow older write never lands after a newer one.
	mu     sync.Mutex
	latest map[string]string
}

func newDrafts(u *UI) *drafts {
	return &drafts{u: u, text: map[string]string{}, unsaved: map[string]string{}, latest: map[string]string{}}
}

// comment is the comment being written on a practice.
func (d *drafts) comment(practice string) string {
	if t, ok := d.text[practice]; ok {
		return t
	}
	t, _ := d.u.store.Setting(commentDraftKey + practice)
	d.text[practice] = t
	return t
}

// keepComment remembers the comment being written and saves it soon.
func (d *drafts) keepComment(practice, text string) {
	if d.comment(practice) == text {
		return
	}
	d.text[practice] = text
	d.unsaved[practice] = text
	d.mu.Lock()
	d.latest[practice] = text
	d.mu.Unlock()
	pending := maps.Clone(d.unsaved)
	d.u.later(&d.timer, commentSaveDelay, func(context.Context) func() {
		d.write(pending)
		return func() { d.written(pending) }
	})
}

// dropComment forgets the comment of a practice at once (it was added).
func (d *drafts) dropComment(practice string) {
	d.text[practice] = ""
	d.unsaved[practice] = ""
	d.mu.Lock()
	d.latest[practice] = ""
	d.mu.Unlock()
	d.flush()
}

func (d *drafts) write(pending map[string]string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for id := range pending {
		if err := d.u.store.SetSetting(commentDraftKey+id, d.latest[id]); err != nil {
			fyne.LogError("the comment being written could not be kept", err)
		}
	}
}

// written forgets what was saved, unless it changed again meanwhile.
func (d *drafts) written(pending map[string]string) {
	for id, t := range pending {
		if d.unsaved[id] == t {
			delete(d.unsaved, id)
		}
	}
}

// flush writes what waits, now (the window is closing).
func (d *drafts) flush() {
	if d.timer != nil && d.timer.Stop() {
		d.u.jobs.Done()
	}
	pending := maps.Clone(d.unsaved)
	d.write(pending)
	d.written(pending)
}

// editDraft is the unsaved form of a practice kept by the editor's autosave,
// and when it was kept; nil when there is none.
func (u *UI) editDraft(practice string) (*data.Practice, time.Time) {
	raw, err := u.store.Setting(editDraftKey + practice)
	if err != nil || raw == "" {
		return nil, time.Time{}
	}
	var kept struct {
		Saved    time.Time      `json:"saved"`
		Practice *data.Practice `json:"practice"`
	}
	if err := json.Unmarshal([]byte(raw), &kept); err != nil || kept.Practice == nil {
		return nil, time.Time{}
	}
	return kept.Practice, kept.Saved
}

// keepEditDraft stores the form of a practice as it is now.
func (u *UI) keepEditDraft(practice string, p *data.Practice) error {
	raw, err := json.Marshal(map[string]any{"saved": time.Now().UTC(), "practice": p})
	if err != nil {
		return err
	}
	return u.store.SetSetting(editDraftKey+practice, string(raw))
}

// dropEditDraft forgets the unsaved form of a practice (saved, or given up).
func (u *UI) dropEditDraft(practice string) {
	if raw, _ := u.store.Setting(editDraftKey + practice); raw == "" {
		return
	}
	if err := u.store.SetSetting(editDraftKey+practice, ""); err != nil {
		fyne.LogError("an old draft could not be removed", err)
	}
}

// cursorToEnd puts the cursor after the text, where typing goes on.
func cursorToEnd(e *entry) {
	lines := strings.Split(e.Text, "\n")
	e.CursorRow = len(lines) - 1
	e.CursorColumn = utf8.RuneCountInString(lines[len(lines)-1])
}
