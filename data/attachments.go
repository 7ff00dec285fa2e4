package data

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"vademecum/internal/atomicfile"
)

// An attachment is a file that goes with a practice (a consent form, a poster,
// a photo). Its bytes live apart from the record, named by their SHA-256: in
// the data directory's AttachmentsDir here, in the hub's attachments/<sha256>
// folder (sync). The practice lists each one (name, hash, size, media type)
// inside its signed record, so that the record's signature vouches for the
// bytes: a copy whose hash or size differs is not that attachment.
type Attachment struct {
	Name      string `json:"name"`
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
	MediaType string `json:"media_type"`
}

const (
	// MaxAttachment is the size of the largest attachment: enough for a
	// scanned form or a phone's photo, small enough for a slow connection.
	MaxAttachment = 30 << 20
	// MaxAttachments is how many files one practice may hold.
	MaxAttachments = 20
	// AttachmentsDir is the folder of the data directory that holds the
	// attachments' bytes, one file per SHA-256.
	AttachmentsDir = "attachments"
	maxNameBytes   = 200
)

// Attachment errors, for front ends to word.
var (
	// ErrNoAttachment: the practice has no attachment of that name.
	ErrNoAttachment = errors.New("no such attachment")
	// ErrAttachmentNotHere: the practice lists the attachment but its bytes
	// have not reached this computer (not received yet, or left on the hub
	// for on-demand fetching).
	ErrAttachmentNotHere = errors.New("attachment not on this computer yet")
	// ErrAttachmentContent: bytes that do not hash to the attachment's name.
	ErrAttachmentContent = errors.New("attachment content does not match its hash")
)

// AttachmentTooLargeError refuses a file above MaxAttachment.
type AttachmentTooLargeError struct{ Size, Max int64 }

func (e *AttachmentTooLargeError) Error() string {
	return fmt.Sprintf("the file is too large to attach (%.1f MB, at most %d MB)", float64(e.Size)/(1<<20), e.Max>>20)
}

// AttachmentKindError refuses a file that is not a PDF, an office document or
// an image (or whose content is not what its name says).
type AttachmentKindError struct{ Name string }

func (e *AttachmentKindError) Error() string {
	return fmt.Sprintf("%s cannot be attached: only PDF files, office documents and images (JPEG, PNG, GIF, WebP) can", e.Name)
}

// officeTypes are the office documents by extension: the newer ones are zip
// files, the older ones OLE compound files, so the content only tells the family.
var officeTypes = map[string]string{
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".odt":  "application/vnd.oasis.opendocument.text",
	".ods":  "application/vnd.oasis.opendocument.spreadsheet",
	".odp":  "application/vnd.oasis.opendocument.presentation",
	".doc":  "application/msword",
	".xls":  "application/vnd.ms-excel",
	".ppt":  "application/vnd.ms-powerpoint",
}

// sniffedTypes are the media types told by content alone.
var sniffedTypes = map[string]bool{
	"application/pdf": true, "image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true,
}

// MediaTypes are the media types an attachment may have.
func isMediaType(t string) bool {
	if sniffedTypes[t] {
		return true
	}
	for _, o := range officeTypes {
		if o == t {
			return true
		}
	}
	return false
}

var oleMagic = []byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}

// mediaType tells a file's media type from its first bytes and, for office
// documents, its name; "" when it is not a kind that can be attached.
func mediaType(name string, head []byte) string {
	sniffed := http.DetectContentType(head)
	if sniffedTypes[sniffed] {
		return sniffed
	}
	office, ok := officeTypes[strings.ToLower(filepath.Ext(name))]
	if !ok {
		return ""
	}
	isZip := sniffed == "application/zip"
	isOLE := len(head) >= len(oleMagic) && string(head[:len(oleMagic)]) == string(oleMagic)
	if zipKind := strings.HasPrefix(office, "application/vnd.o"); (zipKind && isZip) || (!zipKind && isOLE) {
		return office
	}
	return ""
}

var sha256Re = regexp.MustCompile(`^[0-9a-f]{64}$`)

// IsSHA256 reports whether s is a SHA-256 in lower-case hex, as attachments are named.
func IsSHA256(s string) bool { return sha256Re.MatchString(s) }

// attachmentName reports whether a name can be shown and saved as a file name
// on any system: no folders, no control characters, not only dots.
func attachmentName(n string) bool {
	if n == "" || len(n) > maxNameBytes || !utf8.ValidString(n) || strings.Trim(n, ". ") == "" {
		return false
	}
	for _, r := range n {
		if unicode.IsControl(r) || strings.ContainsRune(`/\:*?"<>|`, r) {
			return false
		}
	}
	return true
}

// FileName is the name to give a copy of a on disk: its name without
// anything that could climb out of a folder, ending with the extension of its
// media type, so that the system opens it as what it is whatever the name
// says ("poster.html" of a PDF opens as a PDF).
func (a Attachment) FileName() string {
	ext := extensionOf(a.MediaType)
	name := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, a.Name)
	name = strings.TrimLeft(strings.TrimSuffix(name, filepath.Ext(name)), ". ") // no hidden files
	if name == "" || len(name) > maxNameBytes {
		name = "attachment-" + a.SHA256[:min(8, len(a.SHA256))]
	}
	return name + ext
}

// extensionOf is the usual file extension of an attachment's media type.
func extensionOf(mediaType string) string {
	switch mediaType {
	case "application/pdf":
		return ".pdf"
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/gif":
		return ".gif"
	case "image/webp":
		return ".webp"
	}
	for ext, t := range officeTypes {
		if t == mediaType {
			return ext
		}
	}
	return ".bin"
}

// AttachmentsValid reports whether the file list of r (a practice; any other
// record has none) is one the app writes: names, sizes, kinds and hashes
// within bounds. A hub's record that fails it is refused whole.
func AttachmentsValid(r Record) bool {
	p, ok := r.(*Practice)
	if !ok {
		return true
	}
	var c checker
	c.attachments(p.Attachments)
	return len(c.errs) == 0
}

func (c *checker) attachments(as []Attachment) {
	if len(as) > MaxAttachments {
		c.add("attachments", ProblemTooMany, MaxAttachments)
		return
	}
	names := map[string]bool{}
	for _, a := range as {
		switch {
		case !attachmentName(a.Name):
			c.add("attachments", ProblemAttachmentName, a.Name)
		case names[a.Name]:
			c.add("attachments", ProblemAttachmentTwice, a.Name)
		case !IsSHA256(a.SHA256):
			c.add("attachments", ProblemAttachmentHash, a.Name)
		case a.Size <= 0 || a.Size > MaxAttachment:
			c.add("attachments", ProblemAttachmentSize, a.Name, MaxAttachment>>20)
		case !isMediaType(a.MediaType):
			c.add("attachments", ProblemAttachmentKind, a.Name)
		}
		names[a.Name] = true
	}
}

// attachmentsDir is the folder of the attachments' bytes, made private when missing.
func (s *Store) attachmentsDir() (string, error) {
	d := filepath.Join(s.dir, AttachmentsDir)
	if err := os.MkdirAll(d, 0o700); err != nil {
		return "", err
	}
	return d, nil
}

// AttachmentPath is where the bytes of the attachment sha are kept here.
func (s *Store) AttachmentPath(sha string) string {
	return filepath.Join(s.dir, AttachmentsDir, sha)
}

// HasAttachment reports whether the bytes of sha are on this computer.
func (s *Store) HasAttachment(sha string) bool {
	if !IsSHA256(sha) {
		return false
	}
	_, err := os.Stat(s.AttachmentPath(sha))
	return err == nil
}

// keepAttachment writes what write writes into the attachments folder under
// its SHA-256, through a private temporary file put into place durably (file
// and folder synced). It returns the hash and size; want, when not empty, is
// the hash the bytes must have (ErrAttachmentContent otherwise).
func (s *Store) keepAttachment(want string, write func(io.Writer) error) (sha string, size int64, err error) {
	dir, err := s.attachmentsDir()
	if err != nil {
		return "", 0, err
	}
	tidyIncoming(dir)
	f, err := os.CreateTemp(dir, ".incoming-*")
	if err != nil {
		return "", 0, err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	h := sha256.New()
	cw := &countingWriter{w: io.MultiWriter(f, h)}
	bw := bufio.NewWriterSize(cw, 256<<10)
	if err = write(bw); err != nil {
		return "", 0, err
	}
	if err = bw.Flush(); err != nil {
		return "", 0, err
	}
	sha = hex.EncodeToString(h.Sum(nil))
	if want != "" && sha != want {
		return "", 0, ErrAttachmentContent
	}
	if err = f.Sync(); err != nil {
		return "", 0, err
	}
	if err = f.Close(); err != nil {
		return "", 0, err
	}
	if err = atomicfile.Rename(tmp, filepath.Join(dir, sha)); err != nil {
		return "", 0, err
	}
	return sha, cw.n, atomicfile.SyncDir(dir)
}

// tidyIncoming removes temporary files that a copy killed halfway left in
// dir, once they are a day old (a younger one may be another process's copy
// under way).
func tidyIncoming(dir string) {
	old, _ := filepath.Glob(filepath.Join(dir, ".incoming-*"))
	for _, p := range old {
		if fi, err := os.Stat(p); err == nil && time.Since(fi.ModTime()) > 24*time.Hour {
			os.Remove(p)
		}
	}
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// AddAttachmentFile copies the file at path into this computer's attachments
// as name (the file's own name when empty), ready for AttachToPractice. A
// JPEG photo loses its metadata on the way (camera, time, GPS position: see
// StripJPEG), its orientation kept. Files above MaxAttachment and kinds
// other than PDF, office documents and images are refused before anything
// is copied.
func (s *Store) AddAttachmentFile(path, name string) (Attachment, error) {
	if name == "" {
		name = filepath.Base(path)
	}
	if !attachmentName(name) {
		return Attachment{}, ValidationError{Problem("attachments", ProblemAttachmentName, name)}
	}
	f, err := os.Open(path)
	if err != nil {
		return Attachment{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Attachment{}, err
	}
	if st.Size() > MaxAttachment {
		return Attachment{}, &AttachmentTooLargeError{Size: st.Size(), Max: MaxAttachment}
	}
	br := bufio.NewReaderSize(f, 64<<10)
	head, _ := br.Peek(512)
	mt := mediaType(name, head)
	if mt == "" {
		mt = mediaType(path, head)
	}
	if mt == "" {
		return Attachment{}, &AttachmentKindError{Name: name}
	}
	// At most MaxAttachment is read, whatever the file grew to since Stat.
	in := io.LimitReader(br, MaxAttachment+1)
	sha, size, err := s.keepAttachment("", func(w io.Writer) error {
		if mt == "image/jpeg" {
			return StripJPEG(w, in)
		}
		_, err := io.Copy(w, in)
		return err
	})
	if errors.Is(err, errBadJPEG) {
		return Attachment{}, &AttachmentKindError{Name: name}
	}
	if err != nil {
		return Attachment{}, err
	}
	if size > MaxAttachment {
		os.Remove(s.AttachmentPath(sha))
		return Attachment{}, &AttachmentTooLargeError{Size: size, Max: MaxAttachment}
	}
	return Attachment{Name: name, SHA256: sha, Size: size, MediaType: mt}, nil
}

// ReceiveAttachment keeps the bytes of a attachment a that arrive from r (a
// hub's copy), checking as they stream that there are exactly a.Size of them
// and that they hash to a.SHA256: anything else is ErrAttachmentContent and
// nothing is kept.
func (s *Store) ReceiveAttachment(a Attachment, r io.Reader) error {
	if !IsSHA256(a.SHA256) || a.Size <= 0 || a.Size > MaxAttachment {
		return ErrAttachmentContent
	}
	_, size, err := s.keepAttachment(a.SHA256, func(w io.Writer) error {
		_, err := io.Copy(w, io.LimitReader(r, a.Size+1))
		return err
	})
	if err == nil && size != a.Size {
		os.Remove(s.AttachmentPath(a.SHA256))
		return ErrAttachmentContent
	}
	return err
}

// AttachFile attaches the file at path to practice id of this organisation
// as name (the file's own name when empty): AddAttachmentFile, then
// AttachToPractice. When the practice refuses it (the privacy guard found
// personal data in the name, say), the copy is removed again unless another
// practice lists the same bytes.
func (s *Store) AttachFile(ctx context.Context, id, path, name string) (Attachment, error) {
	if err := s.canAttach(id); err != nil {
		return Attachment{}, err
	}
	a, err := s.AddAttachmentFile(path, name)
	if err != nil {
		return a, err
	}
	if err := s.AttachToPractice(ctx, id, a); err != nil {
		if used, qerr := AttachmentReferenced(s.db, a.SHA256); qerr == nil && !used {
			os.Remove(s.AttachmentPath(a.SHA256))
		}
		return a, err
	}
	return a, nil
}

// canAttach checks that practice id exists and is this organisation's.
func (s *Store) canAttach(id string) error {
	p, err := s.GetPractice(id)
	if err != nil {
		return err
	}
	if me, err := s.Identity(); err != nil {
		return err
	} else if p.Org != me.Org {
		return fmt.Errorf("practice %s %w (%s)", id, ErrNotYours, p.Org)
	}
	return nil
}

// AttachToPractice adds a (made by AddAttachmentFile) to practice id of this
// organisation, replacing an attachment of the same name: a new edit, which
// the privacy guard checks (the file's name included) as every save.
func (s *Store) AttachToPractice(ctx context.Context, id string, a Attachment) error {
	if err := s.canAttach(id); err != nil {
		return err
	}
	p, err := s.GetPractice(id)
	if err != nil {
		return err
	}
	if !s.HasAttachment(a.SHA256) {
		return ErrAttachmentNotHere
	}
	kept := p.Attachments[:0:0]
	for _, o := range p.Attachments {
		if o.Name != a.Name {
			kept = append(kept, o)
		}
	}
	p.Attachments = append(kept, a)
	return s.SavePractice(ctx, p)
}

// RemoveAttachment takes the attachment name off practice id (a new edit).
// Its bytes stay while another practice lists them.
func (s *Store) RemoveAttachment(ctx context.Context, id, name string) error {
	if err := s.canAttach(id); err != nil {
		return err
	}
	p, err := s.GetPractice(id)
	if err != nil {
		return err
	}
	kept := p.Attachments[:0:0]
	for _, o := range p.Attachments {
		if o.Name != name {
			kept = append(kept, o)
		}
	}
	if len(kept) == len(p.Attachments) {
		return ErrNoAttachment
	}
	p.Attachments = kept
	return s.SavePractice(ctx, p)
}

// FindAttachment returns the attachment name of practice id.
func (s *Store) FindAttachment(id, name string) (Attachment, error) {
	p, err := s.GetPractice(id)
	if err != nil {
		return Attachment{}, err
	}
	for _, a := range p.Attachments {
		if a.Name == name {
			return a, nil
		}
	}
	return Attachment{}, ErrNoAttachment
}

// OpenAttachment opens the bytes of a, or ErrAttachmentNotHere.
func (s *Store) OpenAttachment(a Attachment) (*os.File, error) {
	if !IsSHA256(a.SHA256) {
		return nil, ErrAttachmentNotHere
	}
	f, err := os.Open(s.AttachmentPath(a.SHA256))
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrAttachmentNotHere
	}
	return f, err
}

// SaveAttachmentAs copies the bytes of a to path, put into place durably.
func (s *Store) SaveAttachmentAs(a Attachment, path string) error {
	f, err := s.OpenAttachment(a)
	if err != nil {
		return err
	}
	defer f.Close()
	return atomicfile.Write(path, 0o600, func(w io.Writer) error {
		_, err := io.Copy(w, f)
		return err
	})
}

// AttachmentReferenced reports whether a practice held here lists the
// attachment sha (deleted ones included: their file may come back).
func AttachmentReferenced(q Querier, sha string) (bool, error) {
	var n int
	err := q.QueryRow("SELECT count(*) FROM record_terms WHERE kind = 'attachment' AND value = ?", sha).Scan(&n)
	return n > 0, err
}

// WantedAttachment is an attachment a practice held here lists.
type WantedAttachment struct {
	Practice string
	Attachment
}

// WantedAttachments lists the attachments that practices held here list and
// whose bytes are not on this computer.
func (s *Store) WantedAttachments(ctx context.Context) ([]WantedAttachment, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT i.id, b.body FROM record_terms t
		JOIN record_index i ON i.rid = t.rid JOIN record_bodies b ON b.rid = t.rid
		WHERE t.kind = 'attachment' AND i.type = 'practice'`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []WantedAttachment
	seen := map[string]bool{}
	for rows.Next() {
		var id, body string
		if err := rows.Scan(&id, &body); err != nil {
			return nil, err
		}
		rec, err := Decode([]byte(body))
		p, ok := rec.(*Practice)
		if err != nil || !ok {
			continue
		}
		for _, a := range p.Attachments {
			if !seen[a.SHA256] && IsSHA256(a.SHA256) && !s.HasAttachment(a.SHA256) {
				seen[a.SHA256] = true
				out = append(out, WantedAttachment{Practice: id, Attachment: a})
			}
		}
	}
	return out, rows.Err()
}

// AttachmentsOf parses the attachment list of a practice's canonical JSON
// (nil for any other record), without checking the rest.
func AttachmentsOf(body []byte) []Attachment {
	rec, err := Decode(body)
	if p, ok := rec.(*Practice); err == nil && ok {
		return p.Attachments
	}
	return nil
}
