package data

import (
	"io"
	"os"
	gosync "sync"

	"github.com/ledongthuc/pdf"

	"vademecum/data/privacy"
)

// maxPDFText bounds the text read from one PDF for the privacy guard.
const maxPDFText = 8 << 20

// pdfTexts caches the text of attached PDFs by SHA-256: reading a large PDF
// takes a while, and every save of a shared practice checks its files.
var pdfTexts struct {
	gosync.Mutex
	m map[string]string
}

// attachmentText is the text the privacy guard can read in an attached file:
// a PDF's text (images and scans hold none the guard can read), else "".
func (s *Store) attachmentText(a Attachment) string {
	if a.MediaType != "application/pdf" || !IsSHA256(a.SHA256) {
		return ""
	}
	pdfTexts.Lock()
	t, ok := pdfTexts.m[a.SHA256]
	pdfTexts.Unlock()
	if ok {
		return t
	}
	t = pdfText(s.AttachmentPath(a.SHA256))
	pdfTexts.Lock()
	if pdfTexts.m == nil {
		pdfTexts.m = map[string]string{}
	}
	pdfTexts.m[a.SHA256] = t
	pdfTexts.Unlock()
	return t
}

// pdfText extracts the text of the PDF at path, or "" when it cannot be read
// (the reader gives up on some files, and never takes the app down with it).
func pdfText(path string) (text string) {
	defer func() {
		if recover() != nil {
			text = ""
		}
	}()
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return ""
	}
	r, err := pdf.NewReader(f, st.Size())
	if err != nil {
		return ""
	}
	rd, err := r.GetPlainText()
	if err != nil {
		return ""
	}
	b, _ := io.ReadAll(io.LimitReader(rd, maxPDFText))
	return string(b)
}

// checkAttachedText runs the privacy guard over the text of a shared
// practice's attached PDFs: a finding nobody cleared keeps it from being
// saved as shared, as one in its own text does. Clearing a finding (marking
// it as not personal) works as for the text; a PDF cannot be pseudonymised.
func (s *Store) checkAttachedText(p *Practice) error {
	if p.Visibility != Shared {
		return nil
	}
	var ve ValidationError
	for _, a := range p.Attachments {
		for _, f := range privacy.Unhandled(s.attachmentText(a), p.Cleared) {
			ve = append(ve, Problem("attachments", ProblemPersonalInFile, f.Kind, f.Text, a.Name))
		}
	}
	if len(ve) > 0 {
		return ve
	}
	return nil
}
