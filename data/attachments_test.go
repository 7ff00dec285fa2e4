package data_test

import (
	"bytes"
	"context"
	"errors"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"

	"vademecum/data"
	"vademecum/data/datagen"
)

func attachStore(t *testing.T) (*data.Store, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := data.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	org := &data.Organisation{Meta: data.Meta{ID: "opengroup-it", Lang: "it"}, Name: "Open Group", Country: "IT", Languages: []string{"it"}}
	if err := s.Init(org, "Marco"); err != nil {
		t.Fatal(err)
	}
	p := &data.Practice{Meta: data.Meta{Lang: "it"}, Title: "Sportello notturno", Visibility: data.Shared}
	if err := s.SavePractice(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return s, p.ID
}

func writeFile(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// exifBlock returns the payload of the first APP1 EXIF segment of a JPEG.
func exifBlock(b []byte) []byte {
	i := bytes.Index(b, []byte("Exif\x00\x00"))
	if i < 4 || b[i-4] != 0xff || b[i-3] != 0xe1 {
		return nil
	}
	n := int(b[i-2])<<8 | int(b[i-1])
	return b[i+6 : i-2+n]
}

func TestStripJPEGDropsGPSKeepsPixelsAndOrientation(t *testing.T) {
	in := datagen.PhotoWithGPS(64, 48)
	if !bytes.Contains(in, []byte(datagen.GPSMarker)) || data.ExifOrientation(exifBlock(in)) != 6 {
		t.Fatal("the test photo has no GPS block or orientation to strip")
	}
	var out bytes.Buffer
	if err := data.StripJPEG(&out, bytes.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{datagen.GPSMarker, "VademecumCam"} {
		if bytes.Contains(out.Bytes(), []byte(secret)) {
			t.Errorf("the stripped photo still holds %q", secret)
		}
	}
	if o := data.ExifOrientation(exifBlock(out.Bytes())); o != 6 {
		t.Errorf("orientation after stripping = %d, want 6 (the photo would show on its side)", o)
	}
	a, err := jpeg.Decode(bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	b, err := jpeg.Decode(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatalf("the stripped photo no longer decodes: %v", err)
	}
	if a.Bounds() != b.Bounds() {
		t.Fatalf("bounds %v, want %v", b.Bounds(), a.Bounds())
	}
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				t.Fatalf("pixel %d,%d changed: the photo must be copied, not re-encoded", x, y)
			}
		}
	}
}

func TestStripJPEGRefusesBrokenFiles(t *testing.T) {
	photo := datagen.PhotoWithGPS(16, 16)
	for name, b := range map[string][]byte{
		"empty":     nil,
		"not jpeg":  []byte("%PDF-1.7"),
		"truncated": photo[:40],
		"bad len":   {0xff, 0xd8, 0xff, 0xe1, 0x00, 0x01},
	} {
		if err := data.StripJPEG(&bytes.Buffer{}, bytes.NewReader(b)); err == nil {
			t.Errorf("%s: StripJPEG accepted it", name)
		}
	}
}

func TestAttachFile(t *testing.T) {
	s, id := attachStore(t)
	ctx := context.Background()
	doc := datagen.Document(200<<10, 1)
	a, err := s.AttachFile(ctx, id, writeFile(t, "modulo consenso.pdf", doc), "")
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != "modulo consenso.pdf" || a.MediaType != "application/pdf" || a.Size != int64(len(doc)) {
		t.Errorf("attachment = %+v", a)
	}
	got, err := os.ReadFile(s.AttachmentPath(a.SHA256))
	if err != nil || !bytes.Equal(got, doc) {
		t.Fatalf("kept bytes differ (%v)", err)
	}
	if fi, err := os.Stat(filepath.Join(s.Dir(), data.AttachmentsDir)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("attachments folder: %v %v, want private (0700)", fi.Mode(), err)
	}
	p, _ := s.GetPractice(id)
	if len(p.Attachments) != 1 || p.Attachments[0] != a {
		t.Errorf("practice lists %+v", p.Attachments)
	}
	photo, err := s.AttachFile(ctx, id, writeFile(t, "sala.jpg", datagen.PhotoWithGPS(32, 32)), "")
	if err != nil {
		t.Fatal(err)
	}
	kept, _ := os.ReadFile(s.AttachmentPath(photo.SHA256))
	if bytes.Contains(kept, []byte(datagen.GPSMarker)) || photo.Size != int64(len(kept)) {
		t.Errorf("the photo kept its GPS block or its size is wrong (%d, %d bytes)", photo.Size, len(kept))
	}
	out := filepath.Join(t.TempDir(), "copy.pdf")
	if f, err := s.FindAttachment(id, "modulo consenso.pdf"); err != nil {
		t.Fatal(err)
	} else if err := s.SaveAttachmentAs(f, out); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(out); !bytes.Equal(b, doc) {
		t.Error("saved copy differs")
	}
	if _, err := s.FindAttachment(id, "nope.pdf"); !errors.Is(err, data.ErrNoAttachment) {
		t.Errorf("FindAttachment of a missing name = %v", err)
	}
}

func TestAttachRefusesTooLargeAndOtherKinds(t *testing.T) {
	s, id := attachStore(t)
	ctx := context.Background()
	big := filepath.Join(t.TempDir(), "scan.pdf")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("%PDF-1.7\n")
	f.Truncate(31 << 20)
	f.Close()
	_, err = s.AttachFile(ctx, id, big, "")
	var tl *data.AttachmentTooLargeError
	if !errors.As(err, &tl) || tl.Max != 30<<20 {
		t.Errorf("31 MB: %v, want AttachmentTooLargeError", err)
	}
	for name, b := range map[string][]byte{
		"tool.exe":     {'M', 'Z', 0x90, 0},
		"notes.txt":    []byte("plain text"),
		"fake.pdf":     []byte("plain text named pdf"),
		"fake.docx":    []byte("%PDF-1.7 is no docx but is a pdf"),
		"fake.doc":     []byte("not an OLE file"),
		"broken.jpg":   {0xff, 0xd8, 0xff, 0xe0, 0, 3},
		"sheet.xlsx\n": []byte("PK\x03\x04"),
	} {
		_, err := s.AttachFile(ctx, id, writeFile(t, "f", b), name)
		var ke *data.AttachmentKindError
		if name == "fake.docx" {
			// A PDF under an office name is still a PDF.
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		if !errors.As(err, &ke) && !strings.Contains(errString(err), "not a file name") {
			t.Errorf("%s: %v, want a refusal", name, err)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(s.Dir(), data.AttachmentsDir))
	if len(entries) != 1 { // the PDF named fake.docx
		t.Errorf("attachments folder holds %d files after refusals, want 1", len(entries))
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestAttachmentNameScannedByPrivacyGuard(t *testing.T) {
	s, id := attachStore(t)
	doc := writeFile(t, "x.pdf", datagen.Document(1000, 2))
	_, err := s.AttachFile(context.Background(), id, doc, "consenso mario.rossi@example.org.pdf")
	var ve data.ValidationError
	if !errors.As(err, &ve) || !strings.Contains(ve.For("attachments"), "personal data") {
		t.Fatalf("a file name with an e-mail address on a shared practice: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Join(s.Dir(), data.AttachmentsDir))
	if len(entries) != 0 {
		t.Errorf("a refused file is still kept (%d files)", len(entries))
	}
}

func TestReceiveAttachmentChecksHashAndSize(t *testing.T) {
	s, id := attachStore(t)
	doc := datagen.Document(4096, 3)
	a, err := s.AddAttachmentFile(writeFile(t, "a.pdf", doc), "")
	if err != nil {
		t.Fatal(err)
	}
	_ = id
	os.Remove(s.AttachmentPath(a.SHA256))
	forged := append([]byte{}, doc...)
	forged[100] ^= 1
	for name, b := range map[string][]byte{"changed byte": forged, "longer": append(doc, 0), "shorter": doc[:4000]} {
		if err := s.ReceiveAttachment(a, bytes.NewReader(b)); !errors.Is(err, data.ErrAttachmentContent) {
			t.Errorf("%s: %v, want ErrAttachmentContent", name, err)
		}
		if s.HasAttachment(a.SHA256) {
			t.Fatalf("%s: bytes that do not match were kept", name)
		}
	}
	if err := s.ReceiveAttachment(a, bytes.NewReader(doc)); err != nil || !s.HasAttachment(a.SHA256) {
		t.Errorf("the right bytes: %v", err)
	}
}

// pdfWith makes a one-page PDF holding text, as an office suite exports it.
func pdfWith(t *testing.T, text string) string {
	t.Helper()
	f := fpdf.New("P", "mm", "A4", "")
	f.AddPage()
	f.SetFont("Helvetica", "", 12)
	f.Cell(40, 10, text)
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, "modulo.pdf", buf.Bytes())
}

// The privacy guard reads the text of attached PDFs: a shared practice does
// not take a PDF with an e-mail address nobody cleared, a draft does, and the
// draft is then not shared until the address is marked as not personal.
func TestPrivacyGuardReadsAttachedPDFs(t *testing.T) {
	s, id := attachStore(t)
	ctx := context.Background()
	file := pdfWith(t, "Contatto: mario.rossi@example.org, sala riunioni")
	_, err := s.AttachFile(ctx, id, file, "")
	var ve data.ValidationError
	if !errors.As(err, &ve) || !strings.Contains(ve.For("attachments"), `email "mario.rossi@example.org" in modulo.pdf`) {
		t.Fatalf("a PDF with an e-mail address on a shared practice: %v", err)
	}
	if _, err := s.AttachFile(ctx, id, pdfWith(t, "Orari: lunedì e giovedì, sala riunioni"), ""); err != nil {
		t.Fatalf("a PDF without personal data: %v", err)
	}
	draft := &data.Practice{Meta: data.Meta{Lang: "it"}, Title: "Bozza", Visibility: data.Draft}
	if err := s.SavePractice(ctx, draft); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AttachFile(ctx, draft.ID, file, ""); err != nil {
		t.Fatalf("a draft takes any PDF: %v", err)
	}
	p, _ := s.GetPractice(draft.ID)
	p.Visibility = data.Shared
	if err := s.SavePractice(ctx, p); !errors.As(err, &ve) {
		t.Fatalf("sharing the draft with the PDF: %v", err)
	}
	p.Cleared = []string{"email:mario.rossi@example.org"}
	if err := s.SavePractice(ctx, p); err != nil {
		t.Fatalf("with the address marked as not personal: %v", err)
	}
}

func TestAttachmentFileName(t *testing.T) {
	sha := strings.Repeat("ab", 32)
	for _, c := range []struct{ name, mediaType, want string }{
		{"modulo consenso.pdf", "application/pdf", "modulo consenso.pdf"},
		{"poster.html", "application/pdf", "poster.pdf"},
		{"../../.bashrc", "image/png", "_.._.png"},
		{"..", "image/jpeg", "attachment-abababab.jpg"},
		{"piano.odt", "application/vnd.oasis.opendocument.text", "piano.odt"},
	} {
		if got := (data.Attachment{Name: c.name, SHA256: sha, MediaType: c.mediaType}).FileName(); got != c.want {
			t.Errorf("FileName(%q, %s) = %q, want %q", c.name, c.mediaType, got, c.want)
		}
	}
}
