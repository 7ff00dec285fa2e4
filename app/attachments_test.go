package app

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"vademecum/data"
	"vademecum/data/datagen"
)

// TestPracticeAttachments: the owner attaches a PDF and a photo from the
// practice view; the photo shows as a thumbnail turned the way the camera
// noted, the reminder about faces comes up, each file opens and saves as a
// copy with identical bytes, and removing one takes it off the practice.
func TestPracticeAttachments(t *testing.T) {
	st := newTestStore(t)
	p := addPractice(t, st, "Sportello digitale", "IT", "it")
	u := newTestUI(t, st, nil)
	u.showPractice(p.ID)
	u.Wait()
	if _, ok := button(u.journal.detail, "Attach a file"); !ok {
		t.Fatal("the owner's practice offers no Attach a file")
	}
	dir := t.TempDir()
	doc := datagen.Document(40<<10, 3)
	docPath := filepath.Join(dir, "modulo consenso.pdf")
	os.WriteFile(docPath, doc, 0o600)
	photoPath := filepath.Join(dir, "angolo.jpg")
	os.WriteFile(photoPath, datagen.PhotoWithGPS(64, 32), 0o600)

	u.journal.attachFile(p, docPath)
	u.Wait()
	u.journal.attachFile(p, photoPath)
	u.Wait()
	if !strings.Contains(overlayText(u), "Images may show people's faces") {
		t.Errorf("no reminder about faces after attaching a photo: %q", overlayText(u))
	}
	u.dialog.Hide()
	got, _ := st.GetPractice(p.ID)
	if len(got.Attachments) != 2 {
		t.Fatalf("the practice lists %d files", len(got.Attachments))
	}
	for _, want := range []string{"modulo consenso.pdf", "angolo.jpg", "40 KB",
		"Images may show people's faces or other details that tell who they are: share them only with their consent."} {
		if _, ok := find(u.journal.detail, func(l *widget.Label) bool { return l.Text == want }); !ok {
			t.Errorf("the practice view does not show %q", want)
		}
	}
	// The thumbnail: the 64×32 photo, orientation 6, shows 32 wide and 64 high.
	img, ok := find(u.journal.detail, func(i *canvas.Image) bool { return i.MinSize().Width == thumbSize && i.Image != nil })
	if !ok {
		t.Fatal("no thumbnail for the photo")
	}
	if b := img.Image.Bounds(); b.Dx() != 32 || b.Dy() != 64 {
		t.Errorf("thumbnail is %dx%d, want 32x64: the 64x32 photo turned as the camera noted", b.Dx(), b.Dy())
	}

	open, ok := button(u.journal.detail, "Open")
	if !ok {
		t.Fatal("no Open button")
	}
	test.Tap(open)
	u.Wait()
	if b, err := os.ReadFile(u.journal.opened); err != nil || !bytes.Equal(b, doc) || filepath.Base(u.journal.opened) != "modulo consenso.pdf" || filepath.Dir(filepath.Dir(u.journal.opened)) != os.TempDir() {
		t.Errorf("the copy opened is %q (%v)", u.journal.opened, err)
	}
	out := filepath.Join(dir, "saved.pdf")
	u.journal.saveAttachmentTo(got.Attachments[0], out)
	u.Wait()
	if b, _ := os.ReadFile(out); !bytes.Equal(b, doc) {
		t.Error("Save as wrote other bytes")
	}

	// A file too large or of another kind is refused with words for people.
	big := filepath.Join(dir, "scan.pdf")
	f, _ := os.Create(big)
	f.WriteString("%PDF-1.7\n")
	f.Truncate(31 << 20)
	f.Close()
	u.journal.attachFile(p, big)
	u.Wait()
	if msg := overlayText(u); !strings.Contains(msg, "scan.pdf is too large to attach (31 MB, at most 30 MB)") {
		t.Errorf("refusal of 31 MB: %q", msg)
	}
	u.dialog.Hide()

	rm, ok := button(u.journal.detail, "Remove")
	if !ok {
		t.Fatal("no Remove button")
	}
	test.Tap(rm)
	if c, ok := u.dialog.(*dialog.ConfirmDialog); ok {
		c.Confirm()
	} else {
		t.Fatalf("removing asks nothing (%T)", u.dialog)
	}
	u.Wait()
	got, _ = st.GetPractice(p.ID)
	if len(got.Attachments) != 1 || got.Attachments[0].Name != "angolo.jpg" {
		t.Errorf("after removing: %+v", got.Attachments)
	}
}

func TestOrientTurnsAsExifSays(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 3, 2))
	src.Set(0, 0, color.RGBA{255, 0, 0, 255}) // the top-left pixel as stored
	for o, want := range map[int]image.Point{1: {0, 0}, 2: {2, 0}, 3: {2, 1}, 4: {0, 1}, 5: {0, 0}, 6: {1, 0}, 7: {1, 2}, 8: {0, 2}} {
		out := orient(src, o)
		if o >= 5 && (out.Bounds().Dx() != 2 || out.Bounds().Dy() != 3) {
			t.Errorf("orientation %d: %v, want 2x3", o, out.Bounds())
		}
		if r, _, _, _ := out.At(want.X, want.Y).RGBA(); r == 0 {
			t.Errorf("orientation %d: the stored top-left pixel is not at %v", o, want)
		}
	}
}

// TestPartnerPracticeAttachments: on a partner's practice the files are
// listed, one whose bytes have not arrived says so, and nothing offers to
// attach or remove.
func TestPartnerPracticeAttachments(t *testing.T) {
	ctx := context.Background()
	st := newTestStore(t)
	now := data.Now()
	p := &data.Practice{Meta: data.Meta{ID: "01930000-0000-7000-8000-00000000beef", Type: data.TypePractice, Org: "cepaim-es",
		Author: "Lucía", Created: now, Updated: now, Lang: "es"}, Title: "Mapa de recursos", Country: "ES", Visibility: data.Shared,
		Attachments: []data.Attachment{{Name: "mapa.pdf", SHA256: strings.Repeat("ab", 32), Size: 3 << 20, MediaType: "application/pdf"}}}
	if err := st.Tx(ctx, func(tx *data.Tx) error { return tx.Put(p, data.PutHub) }); err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t, st, nil)
	u.showPractice(p.ID)
	u.Wait()
	for _, want := range []string{"mapa.pdf", "3.0 MB", "Not on this computer yet: it arrives with a sync."} {
		if _, ok := find(u.journal.detail, func(l *widget.Label) bool { return l.Text == want }); !ok {
			t.Errorf("the partner's practice does not show %q", want)
		}
	}
	for _, b := range []string{"Attach a file", "Remove", "Open", "Save as…"} {
		if _, ok := button(u.journal.detail, b); ok {
			t.Errorf("the partner's practice offers %q", b)
		}
	}
	UseLanguage("it")
	defer UseLanguage("en")
	if got := fileSize(3<<20 + 1<<19); got != "3,5 MB" {
		t.Errorf("Italian size: %q", got)
	}
}

// TestSyncSaysAttachmentBytes: the Sync screen says what attached files
// added to a round, for people on a slow connection.
func TestSyncSaysAttachmentBytes(t *testing.T) {
	st := newTestStore(t)
	hub, _ := conflictHub(t, st)
	hub.result.AttachmentBytesReceived = 5 << 20
	u := newTestUI(t, st, hub)
	u.selectTab(2)
	u.Wait()
	test.Tap(u.syncs.syncBtn)
	u.Wait()
	if r := u.syncs.result.Text; !strings.Contains(r, "Attached files: 5.0 MB received, 0 KB sent.") {
		t.Errorf("result %q", r)
	}
}
